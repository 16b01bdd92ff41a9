"""glassnet: a neural-network library on NumPy where every step of learning can be seen and checked.

    import glassnet as gn
    from glassnet import nn, functional as F

    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2))
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5),
                     X, y, epochs=2000, batch_size=4)
"""
import numpy as _np

from glassnet import datasets, functional, init, nn, optim, utils
from glassnet.creation import (arange, eye, from_numpy, full, full_like, linspace, ones, ones_like, rand, randint,
                               randn, randperm, zeros, zeros_like)
from glassnet.dtypes import get_default_dtype, set_default_dtype
from glassnet.errors import GradcheckError, ShapeError, StateDictError
from glassnet.explain import explain
from glassnet.gradcheck import GradcheckReport, gradcheck
from glassnet.grad_mode import enable_grad, is_grad_enabled, no_grad
from glassnet.ops.elementwise import where
from glassnet.ops.shape import concatenate, stack
from glassnet.ops.shape import concatenate as cat
from glassnet.random import manual_seed
from glassnet.serialization import ModelFileError, load, save
from glassnet.tensor import Tensor, tensor
from glassnet.training.divergence import TrainingDiverged
from glassnet.training.fit import evaluate, fit
from glassnet.training.history import History
from glassnet.training.regularized_loss import RegularizedLoss

__version__ = "0.1.0"

_LAZY_ESTIMATORS = ("MLPClassifier", "MLPRegressor")


def __getattr__(name):
    """``glassnet.MLPClassifier`` and ``glassnet.MLPRegressor`` import scikit-learn only when first used (PEP 562)."""
    if name in _LAZY_ESTIMATORS:
        from glassnet import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


__all__ = [
    "Tensor", "tensor", "from_numpy", "no_grad", "enable_grad", "is_grad_enabled", "concatenate", "cat", "stack",
    "where", "zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "eye", "arange", "linspace", "rand",
    "randn", "randint", "randperm",
    "gradcheck", "GradcheckReport", "GradcheckError", "ShapeError", "StateDictError", "TrainingDiverged",
    "fit", "evaluate", "History", "RegularizedLoss", "explain", "save", "load", "ModelFileError",
    "manual_seed", "get_default_dtype", "set_default_dtype",
    "functional", "nn", "optim", "init", "datasets", "utils", "__version__", "MLPClassifier", "MLPRegressor",
]

# dtype names as PyTorch spells them (gn.float32, gn.long); kept out of __all__ so that
# ``from glassnet import *`` does not hide the builtins float, int and bool
float32 = float = _np.dtype(_np.float32)
float64 = double = _np.dtype(_np.float64)
int32 = int = _np.dtype(_np.int32)  # torch.int is int32, torch.long int64
int64 = long = _np.dtype(_np.int64)
bool = _np.dtype(_np.bool_)
