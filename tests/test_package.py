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
                 "l1_penalty", "l2_penalty"):
        assert callable(getattr(gn.functional, name))
