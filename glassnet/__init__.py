"""glassnet: a neural-network library on NumPy where every step of learning can be seen and checked.

    import glassnet as gn
    from glassnet import nn, functional as F

    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2))
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5),
                     X, y, epochs=2000, batch_size=4)
"""
from glassnet import datasets, functional, init, nn, optim
from glassnet.dtypes import get_default_dtype, set_default_dtype
from glassnet.errors import GradcheckError, ShapeError, StateDictError
from glassnet.explain import explain
from glassnet.gradcheck import GradcheckReport, gradcheck
from glassnet.grad_mode import enable_grad, is_grad_enabled, no_grad
from glassnet.ops.elementwise import where
from glassnet.ops.shape import concatenate, stack
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
    "Tensor", "tensor", "no_grad", "enable_grad", "is_grad_enabled", "concatenate", "stack", "where",
    "gradcheck", "GradcheckReport", "GradcheckError", "ShapeError", "StateDictError", "TrainingDiverged",
    "fit", "evaluate", "History", "RegularizedLoss", "explain", "save", "load", "ModelFileError",
    "manual_seed", "get_default_dtype", "set_default_dtype",
    "functional", "nn", "optim", "init", "datasets", "__version__", "MLPClassifier", "MLPRegressor",
]
