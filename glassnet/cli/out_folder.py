"""The folder a command writes into (``--out DIR``): checked before the work, so a bad one fails at once."""
from __future__ import annotations

import os


def check_out_folder(path, option: str = "--out") -> None:
    """Refuse, in one line naming ``option``, a ``path`` that is a file, lies below a file, or is a folder
    that cannot be made. A missing folder is made to be sure and removed again: nothing is left behind
    by a command that then fails (the folder is made for good when the first file is written)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        return
    if os.path.islink(path) and not os.path.exists(path):
        raise ValueError(f"{option} {path}: a symbolic link to {os.readlink(path)}, which does not exist; make that "
                         f"folder or give another")
    if os.path.lexists(path):
        raise ValueError(f"{option} {path}: expected a folder, but it is a file; give a folder (new or existing)")
    missing = [os.path.abspath(path)]
    while not os.path.lexists(os.path.dirname(missing[-1])) and os.path.dirname(missing[-1]) != missing[-1]:
        missing.append(os.path.dirname(missing[-1]))
    above = os.path.dirname(missing[-1])
    if not os.path.isdir(above):
        raise ValueError(f"{option} {path}: cannot make the folder: {above} is a file, not a folder")
    try:
        os.makedirs(path)
    except OSError as error:
        raise ValueError(f"{option} {path}: cannot make the folder: {error.strerror or error}") from None
    for folder in missing:  # deepest first; each is empty, as it was made just now
        try:
            os.rmdir(folder)
        except OSError:
            break  # another process put something there meanwhile: leave it


def refuse_files_there(folder, names, option: str = "--out") -> None:
    """Refuse a folder that already holds files the command would write, naming them and --overwrite."""
    present = [name for name in names if os.path.lexists(os.path.join(folder, name))]
    if present:
        raise ValueError(f"{option} {folder} already holds {', '.join(present)}, which this command would write; "
                         f"replace {'it' if len(present) == 1 else 'them'} with --overwrite, or choose another folder")
