"""Dropout: a layer that zeroes random elements while the model trains and passes values through in eval mode."""
from __future__ import annotations

from glassnet import functional as F
from glassnet.functional.dropout import check_probability
from glassnet.nn.activation import _check_inplace
from glassnet.nn.module import Module
from glassnet.random import as_generator


class Dropout(Module):
    """y_i = x_i · k_i / (1 − p), k_i ~ Bernoulli(1 − p), in training mode; y = x after ``eval()``.

    Inverted dropout, as ``torch.nn.Dropout``: each element is zeroed with probability ``p`` and
    the survivors are scaled by 1/(1 − p), so the expected output is the input and evaluation needs
    no rescaling. ``glassnet.fit`` trains in training mode and validates in eval mode.

    Shape:
        input (*) → output (*), the same.

    Parameters
    ----------
    p : float in [0, 1]
        The probability that an element is zeroed (0: the identity; 1: zeros).
    inplace : bool
        Taken for PyTorch code; changes nothing (the output is always a new array).
    generator : None, int or numpy.random.Generator
        Draws the masks. None uses glassnet's default generator at each call (``glassnet.manual_seed``);
        an int seeds one generator for this layer, whose masks then differ from call to call. Its state is
        kept in ``fit``'s checkpoints (so a resumed run draws the same masks), not by ``glassnet.save``: a
        loaded Dropout draws from the default generator.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, *, generator=None):
        super().__init__()
        self.p = check_probability(p, "Dropout")
        self.inplace = _check_inplace(inplace, "Dropout")
        self.generator = None if generator is None else as_generator(generator)  # one stream for every call

    def forward(self, x):
        return F.dropout(x, self.p, self.training, generator=self.generator)

    def get_config(self) -> dict:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


def mask_generators(model) -> list:
    """The generators the Dropout layers in ``model`` draw their masks from, each once, in module order:
    a layer's own, or glassnet's default one (what a checkpoint saves so a resumed run draws the same masks)."""
    from glassnet.random import default_generator

    found = {}
    for module in model.modules():
        if isinstance(module, Dropout):
            generator = module.generator if module.generator is not None else default_generator()
            found.setdefault(id(generator), generator)
    return list(found.values())
