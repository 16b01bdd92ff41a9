"""What every picture shares: getting matplotlib, saving a figure or an animation atomically.

matplotlib is imported here, inside functions, so ``import glassnet`` (and
``import glassnet.viz``) never loads it.
"""
from __future__ import annotations

import os
import sys

import numpy as np

IMAGE_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg")


def pyplot():
    """``matplotlib.pyplot``, with the Agg backend chosen first when there is no display."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("glassnet.viz needs matplotlib: pip install 'glassnet[viz]'") from None
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") and _headless():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _headless() -> bool:
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _format(path: str, allowed: tuple, argument: str = "path") -> str:
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in allowed:
        raise ValueError(f"{argument}: expected a file name ending in one of {['.' + s for s in allowed]}, got {path!r}")
    return suffix


def finish(fig, path, dpi: int):
    """Save ``fig`` to ``path`` (if given) and return it.

    A saved figure is also released from pyplot, so a loop that saves many pictures
    does not pile up open figures; the returned Figure can still be saved or shown
    in a notebook.
    """
    if path is None:
        return fig
    from glassnet.files import atomic_write

    path = os.fspath(path)
    file_format = _format(path, IMAGE_FORMATS)
    with atomic_write(path) as file:
        fig.savefig(file, format=file_format, dpi=dpi)
    pyplot().close(fig)
    return fig


def _shared_palette(frames: list) -> list:
    """The frames in one 256-colour palette taken from the first and last, without dithering.

    With one palette, pixels that do not change between frames keep the same index,
    so the GIF stores only the changed area of each frame (several times smaller).
    """
    from PIL import Image

    if any(frame.mode != "RGB" for frame in frames):
        return frames
    first, last = frames[0], frames[-1]
    both = Image.new("RGB", (first.width, first.height * 2))
    both.paste(first, (0, 0))
    both.paste(last, (0, first.height))
    palette = both.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]


def _holding_pillow_writer(fps: float, hold_last: float):
    """matplotlib's PillowWriter, except that the last frame stays on screen ``hold_last`` seconds."""
    from matplotlib.animation import PillowWriter

    class HoldingPillowWriter(PillowWriter):
        def finish(self):
            from glassnet.files import atomic_write

            frames = _shared_palette(self._frames)
            frame_ms = int(round(1000 / self.fps))
            durations = [frame_ms] * (len(frames) - 1) + [max(frame_ms, int(round(1000 * hold_last)))]
            with atomic_write(self.outfile) as file:  # as every picture: temporary file, fsync, rename
                frames[0].save(file, format="GIF", save_all=True, append_images=frames[1:], duration=durations,
                               loop=0)

    return HoldingPillowWriter(fps=fps)


def save_animation(fig, draw_frame, frames, path, fps: float, dpi: int, hold_last: float = 1.0) -> str:
    """Write a GIF: ``draw_frame(frame)`` updates ``fig`` for each item of ``frames``.

    The last frame is held for ``hold_last`` seconds so the end can be read.
    Drawn with matplotlib's PillowWriter and saved as :func:`finish` saves a picture
    (:func:`glassnet.files.atomic_write`); ``path`` is checked before the first frame is drawn.
    """
    if path is None:
        raise ValueError("path: an animation needs a file name ending in .gif")
    path = os.fspath(path)
    _format(path, ("gif",))
    if not (isinstance(fps, (int, float)) and np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps: expected a positive number of frames per second, got {fps!r}")
    frames = list(frames)
    if not frames:
        raise ValueError("animation: there are no frames to draw")
    from glassnet.files import writable_target

    import matplotlib

    writer = _holding_pillow_writer(fps=fps, hold_last=hold_last)
    try:
        writable_target(path)  # a directory or a read-only file there is found before the drawing
        # not writer.saving(): it calls finish() even when a frame fails, which would save the frames
        # drawn so far over the file; here the file is written only once every frame is drawn
        writer.setup(fig, path, dpi)
        with matplotlib.rc_context({"savefig.bbox": None}):  # as saving() does: every frame the same size
            for frame in frames:
                draw_frame(frame)
                writer.grab_frame()
        writer.finish()
    finally:
        pyplot().close(fig)
    return path


def history_dict(history, argument: str = "history") -> tuple:
    """(curves, epochs) from a ``glassnet.History`` or a dict of per-epoch lists."""
    curves = getattr(history, "history", history)
    if not isinstance(curves, dict):
        raise TypeError(f"{argument}: expected a glassnet.History or a dict of per-epoch lists, got {type(history).__name__}")
    curves = {key: np.asarray(values, dtype=np.float64) for key, values in curves.items()
              if np.ndim(values) == 1 and len(values) > 0}
    if not curves:
        raise ValueError(f"{argument}: there is nothing recorded to plot (no per-epoch lists)")
    length = max(len(values) for values in curves.values())
    epochs = list(getattr(history, "epoch", []) or [])
    epochs = np.asarray(epochs[-length:], dtype=float) + 1 if len(epochs) >= length else np.arange(1, length + 1.0)
    return curves, epochs


def require_keys(curves: dict, keys, argument: str) -> None:
    missing = [key for key in keys if key not in curves]
    if missing:
        raise KeyError(f"{argument}: has no {missing[0]!r}; recorded: {sorted(curves)}")


def epochs_for(values: np.ndarray, epochs: np.ndarray) -> np.ndarray:
    """The epoch numbers of a curve that may be shorter than the longest one (its last epochs)."""
    return epochs[len(epochs) - len(values):]
