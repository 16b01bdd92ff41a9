"""The pictures a training run leaves in its folder, drawn with glassnet.viz (skipped without matplotlib)."""
from __future__ import annotations

import importlib.util
import itertools
import os
import time

import numpy as np


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def missing_notice(what: str) -> str:
    """The line printed instead of pictures when matplotlib is not installed."""
    return f"{what} skipped: matplotlib is not installed (pip install 'glassnet[viz]')"


def picture_path(args, name: str, filename: str, what: str):
    """Where a command's picture goes (``--out`` or a new run folder), or None when it is skipped:
    ``--no-plots``, or no matplotlib (then a one-line notice is printed)."""
    if args.no_plots:
        return None
    if not available():
        print(missing_notice(what))
        return None
    folder = run_folder(args.out, name)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, filename)


def check_picture_out(args, filename: str) -> None:
    """Before the work: refuse an ``--out`` that is a file or cannot be made, or that already holds
    ``filename`` (unless ``--overwrite``). Nothing to check with ``--no-plots`` or no ``--out``."""
    from glassnet.cli.out_folder import check_out_folder, refuse_files_there

    if args.no_plots or not args.out:
        return
    check_out_folder(args.out)
    if not args.overwrite:
        refuse_files_there(args.out, [filename])


def run_folder(out, name: str) -> str:
    """``out`` if given, else a new folder ``runs/<name>-<YYYYmmdd-HHMMSS>``, made here; when two runs
    start in the same second the later one gets ``-2``, ``-3``, ... (the folder is made atomically, so
    runs started together never share one)."""
    if out:
        return out
    base = os.path.join("runs", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    for number in itertools.count(1):
        folder = base if number == 1 else f"{base}-{number}"
        try:
            os.makedirs(folder)
        except FileExistsError:
            continue
        return folder


def recorders(data, epochs: int) -> list:
    """Callbacks that watch training for the animations: decision boundary (2-D data) and weights."""
    from glassnet.viz import DecisionBoundaryRecorder, WeightHistogramRecorder

    every = max(1, epochs // 40)
    found = [WeightHistogramRecorder(every=every)]
    if data.classification and data.X_train.shape[1] == 2:
        found.append(DecisionBoundaryRecorder(data.X_train, data.y_train, every=every))
    return found


TRAINING_PICTURES = ("history.png", "gradient_norms.png", "weights.png", "decision_boundary.gif",
                     "decision_boundary.png", "digits.png", "confusion_matrix.png")
"""Every picture :func:`draw_training` may write (``glassnet train --overwrite`` removes them)."""


def draw_training(folder: str, data, result, saved_model, callbacks) -> list:
    """Save the pictures that fit the data set into ``folder``; return their file names."""
    from glassnet import viz
    from glassnet.viz import DecisionBoundaryRecorder, WeightHistogramRecorder

    written = []

    def save(name, draw):
        assert name in TRAINING_PICTURES, name
        draw(os.path.join(folder, name))
        written.append(name)

    save("history.png", lambda path: viz.plot_history(result.history, path=path, held_out=result.held_out))
    save("gradient_norms.png", lambda path: viz.plot_gradient_norms(result.history, path=path))
    for callback in callbacks:  # a recorder saw no epoch when a resumed run had none left to train
        if isinstance(callback, WeightHistogramRecorder) and callback.epochs:
            save("weights.png", lambda path: viz.plot_weight_histograms(callback, path=path))
        if isinstance(callback, DecisionBoundaryRecorder) and callback.frames:
            save("decision_boundary.gif", lambda path: viz.animate_decision_boundary(callback, path))
    if not data.classification:
        return written
    predicted = predict_classes(saved_model, data.X_test_raw)
    if data.X_train.shape[1] == 2:
        save("decision_boundary.png", lambda path: viz.plot_decision_boundary(
            saved_model, data.X_test_raw, data.y_test, path=path, class_names=data.dataset.class_names))
    if data.dataset.image_shape is not None:
        save("digits.png", lambda path: viz.plot_digits(data.X_test_raw.reshape(-1, *data.dataset.image_shape),
                                                        data.y_test, predicted, path=path))
    if data.n_classes and data.n_classes > 2:
        save("confusion_matrix.png", lambda path: viz.plot_confusion_matrix(data.y_test, predicted, path=path))
    return written


def predict_classes(model, X) -> np.ndarray:
    from glassnet.grad_mode import no_grad
    from glassnet.tensor import Tensor

    dtype = next(iter(model.parameters())).dtype
    with no_grad():
        return model(Tensor(np.asarray(X, dtype=dtype))).numpy().argmax(axis=1)
