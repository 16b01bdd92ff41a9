"""Writing files so that a crash never leaves a half-written one behind."""
from __future__ import annotations

import contextlib
import os
import tempfile


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def writable_target(path) -> tuple:
    """Check that ``path`` can be replaced by a new file; return (file to replace, its folder, permissions).

    The checks :func:`atomic_write` makes before it writes, for a writer that first does long work
    (drawing an animation) and should fail before it: a directory at ``path`` or a read-only file is
    refused, a symbolic link resolves to the file it points to, and the folder is made.
    """
    path = os.fspath(path)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot write the file {path!r}: it is a directory; give a file name inside it")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(f"cannot write the file {path!r}: a part of {folder!r} is a file, not a folder") from None
    exists = os.path.exists(path)
    permissions = os.stat(path).st_mode & 0o7777 if exists else 0o666 & ~_umask()
    if exists and not permissions & 0o222:  # nobody may write it: its owner protected it, and a rename would replace it anyway
        raise PermissionError(f"cannot write the file {path!r}: it is read-only; make it writable "
                              f"(chmod u+w) or write to another path")
    return path, folder, permissions


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb"):
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    A crash or exception before the rename leaves any previous ``path`` untouched. A file
    that is already there keeps its permissions, and one that nobody may write is refused
    (PermissionError); a symbolic link is written through, so the file it points to is
    replaced and the link stays.
    """
    path, folder, permissions = writable_target(path)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-" + os.path.basename(path) + "-", dir=folder)
    try:
        os.chmod(temporary, permissions)  # mkstemp makes 0600; keep the old file's, else the usual ones
        with os.fdopen(handle, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
