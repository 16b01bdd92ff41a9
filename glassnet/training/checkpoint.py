"""Checkpoints: the whole state of a training run on disk, so a killed run can resume exactly.

``fit(..., checkpoint=DIR, checkpoint_every=N, resume=True)`` keeps one file,
``DIR/checkpoint.npz``, rewritten atomically every N epochs and at the end. It holds,
at an epoch boundary: the model's parameters, the optimizer's state (momenta, Adam
moments, step counts, learning rates), the scheduler's state, the shuffling
generator's ``bit_generator.state`` (taken before the next epoch's permutation) and those
of the generators the model's Dropout layers draw their masks from, the
state of stop rules such as ``EarlyStopping``, the epoch count and the history.
Resuming restores all of it, so the resumed run's parameters are bit-identical to
those of a run that was never interrupted.

The file is a glassnet ``.npz`` (JSON metadata + arrays, SHA-256 checked, no pickle).
"""
from __future__ import annotations

import contextlib
import glob
import os

from glassnet.nn.dropout import mask_generators
from glassnet.serialization import FORMAT_VERSION, ModelFileError, load_arrays, module_spec, save_arrays
from glassnet.state_tree import join_arrays, split_arrays
from glassnet.training.callbacks import Callback
from glassnet.validation import is_whole_number

CHECKPOINT_FORMAT = "glassnet-checkpoint"
FILE_NAME = "checkpoint.npz"


def checkpoint_path(directory) -> str:
    """Where ``fit(checkpoint=directory)`` keeps its checkpoint."""
    return os.path.join(os.fspath(directory), FILE_NAME)


def _architecture(model):
    try:
        return module_spec(model)
    except TypeError:  # a custom module that is not registered: its parameters are still saved by name
        return None


def _restore_mask_generators(model, saved) -> None:
    """Put back the states of the generators the model's Dropout layers draw from (none saved: a
    checkpoint written before they were kept, which resumes with the masks as they come)."""
    if saved is None:
        return
    generators = mask_generators(model)
    if len(saved) != len(generators):
        raise ValueError(f"it holds the state of {len(saved)} dropout mask generators, this model's Dropout "
                         f"layers draw from {len(generators)}")
    for generator, state in zip(generators, saved):
        generator.bit_generator.state = state


OPTIONAL_FIT_KEYS = ("plateau_monitor",)
"""fit settings a checkpoint written before they were recorded lacks: not compared then."""


class Checkpoint(Callback):
    """Writes the run's state every ``every`` epochs and at the end; on Ctrl-C, the last finished epoch.

    Between writes it keeps the latest epoch boundary in memory (a copy of the
    parameters and optimizer state), so an interrupt can still save it.
    """

    def __init__(self, directory, every: int, *, rng, history, scheduler=None, fit_config=None):
        self.path = checkpoint_path(directory)
        self.every, self.rng, self.history, self.scheduler = every, rng, history, scheduler
        self.fit_config = dict(fit_config or {})
        self.pending = None          # (meta, arrays) of an epoch boundary not yet on disk
        self.restored_callbacks = None

    # ------------------------------------------------------------ capturing
    def _stateful_callbacks(self) -> list:
        return [callback for callback in self.run.extra.get("callbacks", ())
                if hasattr(callback, "state_dict") and callback is not self and callback is not self.history]

    def _capture(self, completed_epochs: int, finished=None):
        state = {
            "rng": self.rng.bit_generator.state,
            "masks": [generator.bit_generator.state for generator in mask_generators(self.run.model)],
            "optimizer": self.run.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "callbacks": [{"type": type(c).__name__, "state": c.state_dict()} for c in self._stateful_callbacks()],
            "history": {"history": {k: list(v) for k, v in self.history.history.items()}, "epoch": list(self.history.epoch)},
        }
        tree, arrays = split_arrays(state, "state")
        arrays.update({f"model/{name}": value for name, value in self.run.model.state_dict().items()})
        meta = {"format": CHECKPOINT_FORMAT, "format_version": FORMAT_VERSION, "epoch": completed_epochs,
                "stop_reason": self.run.stop_reason if self.run.stop_training else None, "finished": finished,
                "fit": self.fit_config, "optimizer_type": type(self.run.optimizer).__name__,
                "scheduler_type": type(self.scheduler).__name__ if self.scheduler is not None else None,
                "module": _architecture(self.run.model), "state": tree}
        return meta, arrays

    def _write(self, snapshot) -> None:
        save_arrays(self.path, *snapshot)
        self.pending = None

    # ------------------------------------------------------------ hooks
    def on_train_begin(self, logs):
        if self.restored_callbacks is None:
            return
        stateful = self._stateful_callbacks()
        found = [type(c).__name__ for c in stateful]
        stored = [entry["type"] for entry in self.restored_callbacks]
        if found != stored:
            raise ValueError(f"fit: the checkpoint {self.path!r} holds the state of callbacks {stored}, but this run "
                             f"has {found}; resume with the same callbacks and stop rules")
        for callback, entry in zip(stateful, self.restored_callbacks):
            callback.load_state_dict(entry["state"])

    def on_epoch_end(self, epoch, logs):
        snapshot = self._capture(epoch + 1)
        if (epoch + 1) % self.every == 0:
            self._write(snapshot)
        else:
            self.pending = snapshot

    def on_train_end(self, logs):
        if logs.get("interrupted"):
            if self.pending is not None:
                self._write(self.pending)
            return
        self._write(self._capture(self.run.epoch, finished=self.run.stop_reason or "reached the last epoch"))

    # ------------------------------------------------------------ resuming
    def restore(self, model, optimizer) -> dict | None:
        """Load the checkpoint (if there is one) into model, optimizer, scheduler, rng and history.

        Returns None when there is nothing to resume, else ``{"epoch", "stop_reason", "finished"}``.
        """
        folder = os.path.dirname(self.path)
        for leftover in glob.glob(os.path.join(glob.escape(folder), ".tmp-" + FILE_NAME + "-*")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)  # a temporary file from a write that was killed
        if not os.path.exists(self.path):
            return None
        meta, arrays = load_arrays(self.path, expected_format=CHECKPOINT_FORMAT)
        _check_meta(meta, self.path, self.fit_config.get("end_epoch"))
        self._check_same_run(meta, optimizer)
        self._check_same_architecture(meta, model)
        before = (model.state_dict(), optimizer.state_dict(),
                  self.scheduler.state_dict() if self.scheduler is not None else None)
        try:
            state = join_arrays(meta["state"], arrays)
            model.load_state_dict({name[len("model/"):]: value for name, value in arrays.items() if name.startswith("model/")})
            optimizer.load_state_dict(state["optimizer"])
            if self.scheduler is not None:
                self.scheduler.load_state_dict(state["scheduler"])
            _restore_mask_generators(model, state.get("masks"))
            self.rng.bit_generator.state = state["rng"]
        except (KeyError, ValueError, TypeError) as error:
            # all or nothing: what was loaded before the part that did not fit is put back
            model.load_state_dict(before[0])
            optimizer.load_state_dict(before[1])
            if self.scheduler is not None:
                self.scheduler.load_state_dict(before[2])
            raise ModelFileError(f"fit: the checkpoint {self.path!r} does not fit this model and optimizer: {error}") from None
        self.history.history = state["history"]["history"]
        self.history.epoch = state["history"]["epoch"]
        self.restored_callbacks = state["callbacks"]
        return {"epoch": int(meta["epoch"]), "stop_reason": meta.get("stop_reason"), "finished": meta.get("finished")}

    def _check_same_architecture(self, meta: dict, model) -> None:
        stored, found = meta.get("module"), _architecture(model)
        if stored is None or found is None:  # a custom module: its parameters are still checked by name and shape
            return
        where, old, new = _first_difference(stored, found, "the network")
        if where is not None:
            raise ValueError(f"fit: the checkpoint {self.path!r} was written for another architecture ({where}: "
                             f"checkpoint {old}, this model {new}); resume with the network it was written for, or "
                             f"use another checkpoint directory or resume=False to start afresh")

    def _check_same_run(self, meta: dict, optimizer) -> None:
        found = dict(meta.get("fit") or {}, optimizer=meta.get("optimizer_type"), scheduler=meta.get("scheduler_type"))
        expected = dict(self.fit_config, optimizer=type(optimizer).__name__,
                        scheduler=type(self.scheduler).__name__ if self.scheduler is not None else None)
        different = {key: (found.get(key), value) for key, value in expected.items() if found.get(key) != value
                     and (key in found or key not in OPTIONAL_FIT_KEYS)}
        if different:
            detail = ", ".join(f"{key}: checkpoint {old!r}, this run {new!r}" for key, (old, new) in different.items())
            raise ValueError(f"fit: the checkpoint {self.path!r} comes from a different run ({detail}); "
                             f"use another checkpoint directory or resume=False to start afresh")


def _first_difference(stored, found, where: str):
    """(where, stored part, found part) of the first place two architectures differ, or (None, None, None)."""
    if not isinstance(stored, dict) or stored.get("type") != found["type"]:
        return where, stored.get("type") if isinstance(stored, dict) else repr(stored), found["type"]
    if stored.get("config") != found["config"]:
        return f"{where} ({found['type']})", stored.get("config"), found["config"]
    children = stored.get("children")
    if not isinstance(children, dict) or list(children) != list(found["children"]):
        return f"{where}'s layers", list(children) if isinstance(children, dict) else children, list(found["children"])
    for name, child in found["children"].items():
        difference = _first_difference(children[name], child, f"layer {name}")
        if difference[0] is not None:
            return difference
    return None, None, None


def _check_meta(meta: dict, path: str, end_epoch) -> None:
    """Refuse, naming the entry, a checkpoint whose metadata is not what :meth:`Checkpoint._capture` writes
    (hand-edited, with its checksums recomputed): before any of it is loaded into the run."""
    def refuse(key, expected, value):
        raise ModelFileError(f"fit: the checkpoint {path!r} is malformed: {key} should be {expected}, "
                             f"got {value!r:.80}; delete it or resume=False to start afresh")

    epoch = meta.get("epoch")
    last = end_epoch if is_whole_number(end_epoch) else None
    if not is_whole_number(epoch) or epoch < 0 or (last is not None and epoch > last):
        refuse("'epoch'", f"the number of finished epochs (0..{last if last is not None else 'the last'})", epoch)
    for key in ("stop_reason", "finished"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            refuse(repr(key), "a text or null", meta[key])
    if not isinstance(meta.get("fit"), dict):
        refuse("'fit'", "the dict of fit's settings", meta.get("fit"))
    state = meta.get("state")
    if not isinstance(state, dict):
        refuse("'state'", "a dict with rng, optimizer, scheduler, callbacks and history", state)
    for key in ("rng", "optimizer"):
        if not isinstance(state.get(key), dict):
            refuse(f"state.{key}", "a dict", state.get(key))
    if state.get("scheduler") is not None and not isinstance(state["scheduler"], dict):
        refuse("state.scheduler", "a dict or null", state["scheduler"])
    callbacks = state.get("callbacks")
    if not isinstance(callbacks, list) or not all(
            isinstance(c, dict) and isinstance(c.get("type"), str) and "state" in c for c in callbacks):
        refuse("state.callbacks", "a list of {'type': name, 'state': the callback's state_dict()}", callbacks)
    history = state.get("history")
    if not isinstance(history, dict):
        refuse("state.history", "a dict with 'history' and 'epoch'", history)
    curves, epochs = history.get("history"), history.get("epoch")
    if not isinstance(curves, dict):
        refuse("state.history.history", "a dict name -> per-epoch list", curves)
    for name, values in curves.items():  # a callback may log lists or arrays: only the per-epoch list is checked
        if not isinstance(values, list):
            refuse(f"state.history.history[{name!r}]", "a per-epoch list", values)
    if not isinstance(epochs, list) or not all(is_whole_number(e) and 0 <= e < epoch for e in epochs) or len(epochs) > epoch:
        refuse("state.history.epoch", f"a list of at most {epoch} epoch numbers below {epoch} (the 'epoch' entry)",
               epochs)
    for name, values in curves.items():
        if len(values) > len(epochs):
            refuse(f"state.history.history[{name!r}]", f"at most one value per recorded epoch ({len(epochs)})",
                   values)
    optimizer_state = state["optimizer"].get("state")
    if isinstance(optimizer_state, dict):
        for index, entry in optimizer_state.items():
            step = entry.get("step") if isinstance(entry, dict) else None
            if isinstance(entry, dict) and "step" in entry and not (is_whole_number(step) and step >= 0):
                refuse(f"state.optimizer.state[{index!r}].step", "a count of steps (a whole number >= 0)", step)
