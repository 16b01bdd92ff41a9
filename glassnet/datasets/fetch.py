"""Fetching published data files: a checksum, and a download that only happens when asked for."""
from __future__ import annotations

import hashlib
import os

from glassnet.files import atomic_write


class ChecksumError(ValueError):
    """A data file whose MD5 checksum is not the published one."""


def md5_of_file(path, chunk_size: int = 1 << 20) -> str:
    """The MD5 checksum of the file at ``path``, as 32 hex digits."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_md5(path, expected: str) -> None:
    """Raise :class:`ChecksumError` unless the file at ``path`` has MD5 ``expected``."""
    found = md5_of_file(path)
    if found != expected.lower():
        raise ChecksumError(
            f"{os.fspath(path)}: MD5 checksum {found} differs from the published {expected}; the file is "
            f"damaged or a different version: delete it and fetch it again"
        )


def download_file(file_name: str, folder, mirrors, expected_md5: str | None = None, timeout: float = 60.0) -> str:
    """Download ``file_name`` into ``folder`` from the first mirror that has it; return its path.

    The file is written atomically and only kept when its MD5 checksum is ``expected_md5``.
    """
    import urllib.error  # imported here: glassnet touches the network only when asked to
    import urllib.request

    target = os.path.join(os.fspath(folder), file_name)
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + file_name
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = response.read()
        except (urllib.error.URLError, OSError) as error:
            failures.append(f"{url}: {getattr(error, 'reason', error)}")
            continue
        with atomic_write(target) as file:
            file.write(data)
        if expected_md5 is not None:
            try:
                check_md5(target, expected_md5)
            except ChecksumError as error:
                os.unlink(target)
                failures.append(f"{url}: {error}")
                continue
        return target
    raise OSError(f"could not download {file_name}: " + "; ".join(failures))
