"""Module: the base class of layers and networks. It holds state; ``functional`` holds maths.

Assigning a :class:`Parameter` or another ``Module`` as an attribute registers it,
so ``parameters()``, ``state_dict()`` and ``zero_grad()`` find it, with names such
as ``"0.weight"`` built from the attribute path. Assigning to a name already registered
replaces the entry where it stands (a Sequential keeps its order), as in PyTorch.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from glassnet.device import split_to_arguments
from glassnet.dtypes import float_dtype_or_default
from glassnet.errors import ShapeError, StateDictError
from glassnet.nn.parameter import Parameter


class Module:
    """Base class for every layer and network. Subclasses define ``forward``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}.__init__ must call super().__init__() before assigning {name!r}")
        parameters, modules = self._parameters, self._modules
        if name in parameters and not isinstance(value, Parameter) and value is not None:
            raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as parameter {name!r} "
                            f"(a glassnet.nn.Parameter or None expected); wrap it as nn.Parameter(...) to train it")
        if name in modules and not isinstance(value, Module) and value is not None:
            raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} as child module {name!r} "
                            f"(a glassnet.nn.Module or None expected)")
        if isinstance(value, Parameter) or (value is None and name in parameters):
            modules.pop(name, None)
            parameters[name] = value  # an existing name keeps its place, so parameters() keeps its order
        elif isinstance(value, Module):
            parameters.pop(name, None)
            modules[name] = value  # an existing name keeps its place, so a Sequential keeps its order
        else:  # None for a child module unregisters it; anything else is a plain attribute
            parameters.pop(name, None)
            modules.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    # ------------------------------------------------------------- calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                result = hook(self, args, out)
                if result is not None:
                    out = result
        return out

    def register_forward_hook(self, hook):
        """Call ``hook(module, inputs, output)`` after every forward; returns a handle with ``remove()``."""
        handle = _HookHandle(self._forward_hooks)
        self._forward_hooks[handle.key] = hook
        return handle

    # ----------------------------------------------------------- traversal
    def named_children(self):
        """Yield ``(name, module)`` for each direct submodule, each module once."""
        seen = set()
        for name, module in self._modules.items():
            if id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = ""):
        """Yield ``(name, module)`` for this module and every module inside it, depth first."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child_name}" if name else child_name, child)
                        for child_name, child in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True):
        """Yield ``(name, parameter)`` pairs, each parameter once, e.g. ``("0.weight", W)``; only this
        module's own with ``recurse=False``."""
        seen = set()
        for module_name, module in (self.named_modules(prefix) if recurse else [(prefix, self)]):
            for name, parameter in module._parameters.items():
                if parameter is None or id(parameter) in seen:
                    continue
                seen.add(id(parameter))
                yield (f"{module_name}.{name}" if module_name else name), parameter

    def parameters(self, recurse: bool = True):
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def num_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(p.numel() for p in self.parameters())

    # --------------------------------------------------------------- state
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget accumulated gradients before the next backward pass.

        With ``set_to_none`` (the default) ``.grad`` becomes None and the old array is kept aside for
        the next ``backward()`` to write into, as long as nothing else holds it (to free that memory
        instead, set ``p.grad = None`` yourself). Otherwise the gradients are zeroed.
        """
        for parameter in self.parameters():
            if set_to_none or parameter.grad is None:
                parameter._forget_grad()
            else:
                parameter.grad.data[...] = 0

    def train(self, mode: bool = True) -> "Module":
        """Set training mode here and in every submodule: ``Dropout`` drops elements only in training
        mode. ``train(False)`` (or ``eval()``) switches it off; ``glassnet.fit`` does both itself."""
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"train: mode must be True or False, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Set ``requires_grad`` on every parameter (False freezes them: backward leaves their .grad None)."""
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: requires_grad must be True or False, got {requires_grad!r}")
        for parameter in self.parameters():
            parameter.requires_grad_(bool(requires_grad))
        return self

    def eval(self) -> "Module":
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def state_dict(self) -> dict:
        """Every parameter as a copied ndarray, by name."""
        return {name: parameter.data.copy() for name, parameter in self.named_parameters()}

    def load_state_dict(self, state_dict: dict, strict: bool = True):
        """Copy arrays into the parameters of the same names; shapes must match.

        With ``strict=True`` missing and unexpected names are errors. Returns
        ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: state_dict must be a mapping of names to arrays "
                            f"(from state_dict()), got {type(state_dict).__name__}")
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise StateDictError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}; "
                f"this module has {list(own)}"
            )
        copies = {}  # every array is checked and copied before any parameter changes: all or nothing
        for name, parameter in own.items():
            if name not in state_dict:
                continue
            value = np.asarray(state_dict[name])
            if value.dtype.kind not in "biuf":
                raise TypeError(f"load_state_dict: {name!r} must hold real numbers, got dtype {value.dtype}")
            if value.shape != parameter.shape:
                raise ShapeError(
                    f"load_state_dict: {name!r} has shape {value.shape} in the state dict but "
                    f"{parameter.shape} in the module"
                )
            copies[name] = np.empty_like(parameter.data)  # the parameter's own dtype and memory layout
            copies[name][...] = value
        for name, copy in copies.items():
            own[name].data = copy
        return missing, unexpected

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False) -> "Module":
        """Convert every parameter to ``dtype`` (float32 or float64) in place.

        As in PyTorch, ``to(device)``, ``to(dtype)`` and ``to(device, dtype)`` are accepted; the
        device must be the CPU (glassnet's only one), so ``model.to('cpu')`` changes nothing.
        """
        dtype = split_to_arguments(args, dtype, device, f"{type(self).__name__}.to")
        if dtype is None:
            return self
        dtype = float_dtype_or_default(dtype)
        for parameter in self.parameters():
            parameter.data = parameter.data.astype(dtype)
            if parameter.grad is not None:
                parameter.grad.data = parameter.grad.data.astype(dtype)
        return self

    def cpu(self) -> "Module":
        """The module itself: its parameters are already on the CPU."""
        return self

    def float(self) -> "Module":
        return self.to(np.float32)

    def double(self) -> "Module":
        return self.to(np.float64)

    def apply(self, function) -> "Module":
        """Call ``function(module)`` on every submodule, children in order and each after its own
        children, and then on this one (PyTorch's order, so seeded initialisers draw alike)."""
        for child in self.children():
            child.apply(function)
        function(self)
        return self

    def _every_named_parameter(self, prefix: str = ""):
        """Yield ``(name, parameter)`` along every path, a shared parameter or module under each of its names."""
        for name, parameter in self._parameters.items():
            if parameter is not None:
                yield (f"{prefix}.{name}" if prefix else name), parameter
        for name, module in self._modules.items():
            yield from module._every_named_parameter(f"{prefix}.{name}" if prefix else name)

    def get_config(self) -> dict:
        """Constructor keywords that rebuild this module (used by ``glassnet.save``)."""
        return {}

    # ---------------------------------------------------------------- repr
    def extra_repr(self) -> str:
        """What to show between the parentheses of this module's repr."""
        return ""

    def __repr__(self) -> str:
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        lines.append(")")
        return "\n".join(lines)


class _HookHandle:
    _next_key = 0

    def __init__(self, hooks: dict):
        self.hooks = hooks
        self.key = _HookHandle._next_key
        _HookHandle._next_key += 1

    def remove(self) -> None:
        self.hooks.pop(self.key, None)
