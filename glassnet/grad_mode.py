"""Switching gradient recording on and off: ``no_grad`` and ``enable_grad``."""
from __future__ import annotations

import functools
import inspect
import threading


class _ThreadGradMode(threading.local):
    """Whether new operations record the graph needed by ``backward()``, for each thread on its own
    (as in PyTorch: a ``no_grad`` block in one thread does not stop another from recording)."""

    enabled = True


_GradMode = _ThreadGradMode()


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are being recorded."""
    return _GradMode.enabled


class _SetGradMode:
    """Context manager and decorator that sets grad recording for a block."""

    mode = True

    def __new__(cls, function=None):
        if function is None:
            return super().__new__(cls)
        if not callable(function):
            raise TypeError(f"{cls.__name__}() takes no arguments, or a function to decorate; got {function!r}")
        return cls()(function)  # @no_grad without parentheses, as PyTorch allows

    def __enter__(self):
        self._previous = _GradMode.enabled
        _GradMode.enabled = self.mode
        return self

    def __exit__(self, *exc_info):
        _GradMode.enabled = self._previous
        return False

    def __call__(self, function):
        mode = self.__class__
        if inspect.isgeneratorfunction(function):
            @functools.wraps(function)
            def generator_wrapper(*args, **kwargs):  # the mode holds while the generator runs, not between
                generator = function(*args, **kwargs)
                try:
                    with mode():
                        response = generator.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with mode():
                                generator.close()
                            raise
                        except BaseException as error:
                            with mode():
                                response = generator.throw(error)
                        else:
                            with mode():
                                response = generator.send(request)
                except StopIteration as stop:
                    return stop.value

            return generator_wrapper

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with mode():
                return function(*args, **kwargs)

        return wrapper


class no_grad(_SetGradMode):
    """Do not record operations: for evaluation and for updating parameters.

    Use as ``with glassnet.no_grad(): ...`` or as a decorator, ``@glassnet.no_grad()`` or ``@glassnet.no_grad``.
    """

    mode = False


class enable_grad(_SetGradMode):
    """Record operations again inside a ``no_grad`` block."""

    mode = True
