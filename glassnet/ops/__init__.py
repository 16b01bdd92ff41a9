"""Differentiable primitives. Each module groups ops of one kind; ``registry.OPS`` lists them all.

``glassnet.tensor`` is imported first: it defines Tensor, which every op module needs,
and then imports the op modules that its operators call.
"""
import glassnet.tensor  # noqa: F401
