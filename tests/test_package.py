"""The package itself: importing needs NumPy only and has no side effects."""
import subprocess
import sys

import glassnet as gn

OPTIONAL = ("matplotlib", "sklearn", "scipy", "tqdm", "autograd", "torch", "mpi4py", "PIL")


def test_import_loads_no_optional_dependency():
    code = ("import sys, glassnet; "
            f"print(','.join(m for m in {OPTIONAL!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
    assert result.stderr == ""


def test_public_names_exist():
    for name in gn.__all__:
        assert hasattr(gn, name), name
    for name in ("relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "mse_loss",
                 "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                 "l1_penalty", "l2_penalty", "dropout", "l1_loss", "nll_loss"):
        assert callable(getattr(gn.functional, name))
    for name in ("Dropout", "Identity", "Flatten", "ModuleList", "L1Loss", "NLLLoss"):
        assert name in gn.nn.__all__ and isinstance(getattr(gn.nn, name), type)


def test_atomic_write_gives_normal_permissions_and_replaces_whole(tmp_path):
    import os
    import stat

    import pytest

    from glassnet.files import atomic_write

    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target, "w") as file:
            file.write("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["file.txt"]
    with atomic_write(target, "w") as file:
        file.write("new")
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~mask


def test_atomic_write_keeps_permissions_writes_through_links_and_refuses_folders(tmp_path):
    import os
    import stat

    import pytest

    from glassnet.files import atomic_write

    private = tmp_path / "private.txt"
    private.write_text("old")
    os.chmod(private, 0o600)
    with atomic_write(private, "w") as file:
        file.write("new")
    assert private.read_text() == "new" and stat.S_IMODE(os.stat(private).st_mode) == 0o600
    link = tmp_path / "link.txt"
    link.symlink_to(private)
    with atomic_write(link, "w") as file:
        file.write("through the link")
    assert link.is_symlink() and private.read_text() == "through the link"
    with pytest.raises(IsADirectoryError, match="is a directory"):
        with atomic_write(tmp_path, "w"):
            pass
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        with atomic_write(private / "inside.txt", "w"):
            pass
    protected = tmp_path / "protected.txt"
    protected.write_text("keep me")
    os.chmod(protected, 0o444)  # its owner protected it: a rename over it must be refused
    with pytest.raises(PermissionError, match="is read-only; make it writable"):
        with atomic_write(protected, "w") as file:
            file.write("lost")
    assert protected.read_text() == "keep me"
    assert sorted(os.listdir(tmp_path)) == ["link.txt", "private.txt", "protected.txt"]
