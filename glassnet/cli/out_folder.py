"""The folder a command writes into (``--out DIR``): checked before the work, so a bad one fails at once."""
from __future__ import annotations

import os


def make_out_folder(path, option: str = "--out") -> None:
    """Make ``path`` (and the folders above it), or refuse it in one line naming ``option``: a file there
    or above it, or a folder that cannot be made."""
    path = os.fspath(path)
    if os.path.isdir(path):
        return
    if os.path.lexists(path):
        raise ValueError(f"{option} {path}: expected a folder, but it is a file; give a folder (new or existing)")
    above = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(above) and os.path.dirname(above) != above:
        above = os.path.dirname(above)
    if not os.path.isdir(above):
        raise ValueError(f"{option} {path}: cannot make the folder: {above} is a file, not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise ValueError(f"{option} {path}: cannot make the folder: {error.strerror or error}") from None


def refuse_files_there(folder, names, option: str = "--out") -> None:
    """Refuse a folder that already holds files the command would write, naming them and --overwrite."""
    present = [name for name in names if os.path.lexists(os.path.join(folder, name))]
    if present:
        raise ValueError(f"{option} {folder} already holds {', '.join(present)}, which this command would write; "
                         f"replace {'it' if len(present) == 1 else 'them'} with --overwrite, or choose another folder")
