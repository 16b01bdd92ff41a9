"""fit(checkpoint=..., resume=True): a killed or interrupted run resumes to bit-identical parameters."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.callbacks import Callback
from glassnet.training.checkpoint import checkpoint_path

ROOT = Path(__file__).resolve().parents[1]


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(np.int64) + (X[:, 3] > 1)
    return X, y


def network(seed):
    return nn.Sequential(nn.Linear(5, 12, generator=seed), nn.Tanh(), nn.Linear(12, 3, generator=seed + 1))


OPTIMIZERS = {
    "sgd-nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam-amsgrad": lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=0.01),
    "rmsprop-centered": lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    "sgd-multistep": lambda p: optim.SGD(p, lr=0.1, momentum=0.5),
    "sgd-lambda": lambda p: optim.SGD(p, lr=0.1),
}
SCHEDULERS = {
    "sgd-nesterov": lambda o: optim.StepLR(o, step_size=2, gamma=0.5),
    "adam-amsgrad": lambda o: optim.ReduceLROnPlateau(o, patience=0, factor=0.5),
    "adamw": lambda o: optim.CosineAnnealingLR(o, T_max=5),
    "rmsprop-centered": lambda o: optim.ExponentialLR(o, gamma=0.9),
    "adagrad": lambda o: None,
    "sgd-multistep": lambda o: optim.MultiStepLR(o, milestones=[2, 4, 4], gamma=0.5),
    "sgd-lambda": lambda o: optim.LambdaLR(o, lambda epoch: 1 / (1 + epoch)),  # its function is not saved, only given again
}


class InterruptAt(Callback):
    """Raise KeyboardInterrupt (what Ctrl-C does) in the middle of an epoch."""

    def __init__(self, epoch, step):
        self.epoch, self.step = epoch, step

    def on_batch_end(self, step, logs):
        if self.run.epoch == self.epoch and step == self.step:
            raise KeyboardInterrupt


def train(name, model_seed, directory, callbacks=(), resume=False, every=2, patience=None):
    X, y = data()
    model = network(model_seed)
    optimizer = OPTIMIZERS[name](model.parameters())
    history = glassnet.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=7, batch_size=10, seed=5,
                           scheduler=SCHEDULERS[name](optimizer), validation_data=data(30, seed=1), patience=patience,
                           callbacks=callbacks, progress=False, checkpoint=directory, checkpoint_every=every, resume=resume)
    return model, optimizer, history


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_ctrl_c_then_resume_is_bit_identical_for_every_optimizer_and_schedule(tmp_path, name):
    reference, reference_optimizer, reference_history = train(name, 0, tmp_path / "straight")
    with pytest.raises(KeyboardInterrupt):
        train(name, 0, tmp_path / "interrupted", callbacks=[InterruptAt(epoch=3, step=4)])
    # the interrupt saved the last finished epoch (3) although checkpoint_every=2 would not have
    interrupted = glassnet.serialization.load_arrays(checkpoint_path(tmp_path / "interrupted"), "glassnet-checkpoint")[0]
    assert interrupted["epoch"] == 3 and interrupted["finished"] is None
    resumed, resumed_optimizer, resumed_history = train(name, 99, tmp_path / "interrupted", resume=True)  # other initial weights
    for (key, a), (_, b) in zip(reference.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=key)
    assert resumed_optimizer.param_groups[0]["lr"] == reference_optimizer.param_groups[0]["lr"]
    assert resumed_history["loss"] == reference_history["loss"] and resumed_history.epoch == list(range(7))


class PerClassLog(Callback):
    """A user's callback that logs a list each epoch and keeps its state as a list (both legitimate)."""

    def __init__(self):
        self.seen = []

    def on_epoch_end(self, epoch, logs):
        self.seen.append(epoch)
        logs["per_class"] = [0.25 * epoch, 0.5]
        logs["as_array"] = np.array([epoch, epoch + 1.0])

    def state_dict(self):
        return list(self.seen)

    def load_state_dict(self, state):
        self.seen = list(state)


def test_a_checkpoint_with_list_logs_and_a_list_callback_state_resumes(tmp_path):
    # the checks of hand-edited checkpoints must let through what fit itself writes
    with pytest.raises(KeyboardInterrupt):
        train("adagrad", 0, tmp_path, callbacks=[PerClassLog(), InterruptAt(epoch=3, step=1)])
    log = PerClassLog()
    _, _, history = train("adagrad", 0, tmp_path, callbacks=[log], resume=True)
    assert log.seen == [0, 1, 2, 3, 4, 5, 6]
    assert history["per_class"][6] == [1.5, 0.5] and history.epoch == list(range(7))


def test_resume_restores_early_stopping_and_a_finished_run_is_not_trained_again(tmp_path):
    reference, _, reference_history = train("adamw", 0, tmp_path / "a", patience=1, every=1)
    assert reference_history.stop_reason.startswith("val_loss did not improve") or len(reference_history["loss"]) == 7
    with pytest.raises(KeyboardInterrupt):
        train("adamw", 0, tmp_path / "b", callbacks=[InterruptAt(epoch=2, step=0)], patience=1, every=1)
    resumed, _, history = train("adamw", 3, tmp_path / "b", resume=True, patience=1, every=1)
    np.testing.assert_array_equal(resumed[0].weight.data, reference[0].weight.data)
    assert history.stop_reason == reference_history.stop_reason
    again, _, history = train("adamw", 7, tmp_path / "b", resume=True, patience=1, every=1)
    np.testing.assert_array_equal(again[0].weight.data, reference[0].weight.data)
    assert history.stop_reason == reference_history.stop_reason


def test_resume_refuses_a_checkpoint_from_another_run(tmp_path):
    train("adagrad", 0, tmp_path)
    X, y = data()
    model = network(0)
    with pytest.raises(ValueError, match="batch_size: checkpoint 10, this run 20"):
        glassnet.fit(model, nn.CrossEntropyLoss(), optim.Adagrad(model.parameters(), lr=0.1), X, y, epochs=7,
                     batch_size=20, progress=False, checkpoint=tmp_path, resume=True)
    with pytest.raises(ValueError, match="optimizer: checkpoint 'Adagrad', this run 'SGD'"):
        glassnet.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y, epochs=7,
                     batch_size=10, progress=False, checkpoint=tmp_path, resume=True)
    with pytest.raises(ValueError, match="resume=True needs checkpoint"):
        glassnet.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1, resume=True)
    with pytest.raises(ValueError, match="checkpoint_every: expected an integer >= 1, got 0"):
        glassnet.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1,
                     checkpoint=tmp_path, checkpoint_every=0)


def train_with_dropout(directory, callbacks=(), resume=False):
    """A network with one Dropout of its own generator and one drawing from the default generator."""
    glassnet.manual_seed(4)  # a fresh process would start here too
    X, y = data()
    model = nn.Sequential(nn.Linear(5, 12, generator=0), nn.Tanh(), nn.Dropout(0.3, generator=8),
                          nn.Linear(12, 12, generator=1), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 3, generator=2))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    glassnet.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=5, batch_size=10, seed=5, progress=False,
                 callbacks=callbacks, checkpoint=directory, checkpoint_every=1, resume=resume)
    return model


def test_a_resumed_run_with_dropout_draws_the_masks_of_an_uninterrupted_one(tmp_path):
    reference = train_with_dropout(tmp_path / "straight")
    with pytest.raises(KeyboardInterrupt):
        train_with_dropout(tmp_path / "interrupted", callbacks=[InterruptAt(epoch=2, step=3)])
    resumed = train_with_dropout(tmp_path / "interrupted", resume=True)
    for (key, a), (_, b) in zip(reference.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=key)


def test_a_checkpoint_whose_optimizer_state_does_not_fit_leaves_the_model_as_it_was(tmp_path):
    train("adagrad", 0, tmp_path)
    X, y = data()
    model = network(1)
    before = {name: value.copy() for name, value in model.state_dict().items()}
    parameters = list(model.parameters())
    first, rest = parameters[:1], parameters[1:]
    two_groups = optim.Adagrad([{"params": first}, {"params": rest}], lr=0.1)  # the checkpoint has one group
    with pytest.raises(glassnet.ModelFileError, match="does not fit this model and optimizer"):
        glassnet.fit(model, nn.CrossEntropyLoss(), two_groups, X, y, epochs=7, batch_size=10, progress=False,
                     checkpoint=tmp_path, resume=True)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


# ---------------------------------------------------------------- SIGKILL at random moments
TRAINER = """
import sys, numpy as np, glassnet
from glassnet import nn, optim
seed, every, directory, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = np.random.default_rng(seed)
X = rng.normal(size=(1500, 10)).astype(np.float32)
y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(np.int64)
model = nn.Sequential(nn.Linear(10, 32, generator=seed), nn.ReLU(), nn.Linear(32, 2, generator=seed + 1))
optimizer = [optim.Adam(model.parameters(), lr=3e-3), optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
             optim.RMSprop(model.parameters(), lr=1e-3)][seed % 3]
scheduler = optim.StepLR(optimizer, step_size=4, gamma=0.5)
print("fitting", flush=True)
history = glassnet.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=14, batch_size=16, seed=seed,
                       scheduler=scheduler, progress=False, checkpoint=directory, checkpoint_every=every, resume=True)
glassnet.save(model, out)
"""


def run_trainer(seed, every, directory, out, kill_after=None, signal_number=signal.SIGKILL):
    """Run the trainer; with ``kill_after``, send it ``signal_number`` that many seconds after fit() starts.

    Returns (finished, seconds from fit's start to exit).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", TRAINER, str(seed), str(every), str(directory), str(out)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().strip() == "fitting"
    started = time.perf_counter()
    try:
        process.wait(timeout=120 if kill_after is None else kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal_number)
        process.wait()
        return False, time.perf_counter() - started
    assert process.returncode == 0
    return True, time.perf_counter() - started


@pytest.mark.parametrize("seed, every", [(0, 1), (1, 3), (2, 2)])
def test_sigkill_at_random_points_then_resume_is_bit_identical(tmp_path, seed, every):
    _, duration = run_trainer(seed, every, tmp_path / "reference", tmp_path / "reference.npz")
    rng = np.random.default_rng(100 + seed)
    kills = 0
    for _ in range(12):
        signal_number = signal.SIGINT if kills == 1 else signal.SIGKILL  # one Ctrl-C, else hard kills
        finished, _ = run_trainer(seed, every, tmp_path / "killed", tmp_path / "killed.npz",
                                  rng.uniform(0.05, 0.7) * duration, signal_number)
        if finished and kills == 0:  # it outran the kill: start that run over
            shutil.rmtree(tmp_path / "killed")
            continue
        if finished:
            break
        kills += 1
        if kills == 3:
            run_trainer(seed, every, tmp_path / "killed", tmp_path / "killed.npz")
            break
    assert kills >= 1
    reference, resumed = glassnet.load(tmp_path / "reference.npz"), glassnet.load(tmp_path / "killed.npz")
    for (key, a), (_, b) in zip(reference.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=f"{key} after {kills} kills")


def test_resume_refuses_a_checkpoint_of_another_architecture_naming_the_layer(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        train("adagrad", 0, tmp_path, callbacks=[InterruptAt(epoch=2, step=1)])
    X, y = data()
    model = nn.Sequential(nn.Linear(5, 12, generator=0), nn.ReLU(), nn.Linear(12, 3, generator=1))
    before = {name: value.copy() for name, value in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"another architecture \(layer 1: checkpoint Tanh, this model ReLU\)"):
        glassnet.fit(model, nn.CrossEntropyLoss(), OPTIMIZERS["adagrad"](model.parameters()), X, y, epochs=7,
                     batch_size=10, seed=5, validation_data=data(30, seed=1), progress=False, checkpoint=tmp_path,
                     resume=True)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def _edited_checkpoint(directory, edit):
    """Rewrite the checkpoint in ``directory`` with ``edit(meta)`` applied and its checksums recomputed."""
    from glassnet.serialization import load_arrays, save_arrays

    path = checkpoint_path(directory)
    meta, arrays = load_arrays(path, "glassnet-checkpoint")
    meta.pop("checksums", None)
    edit(meta)
    save_arrays(path, meta, arrays)


def _set(path, value):
    def edit(meta):
        *parents, last = path
        target = meta
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return edit


@pytest.mark.parametrize("where, value, message", [
    (("epoch",), KeyError, "'epoch' should be the number of finished epochs (0..7), got None"),
    (("epoch",), 99, "'epoch' should be the number of finished epochs (0..7), got 99"),
    (("epoch",), -1, "got -1"),
    (("epoch",), "two", "got 'two'"),
    (("epoch",), 1, "state.history.epoch should be a list of at most 1 epoch numbers"),
    (("fit",), KeyError, "'fit' should be the dict of fit's settings"),
    (("state", "history"), [1], "state.history should be a dict"),
    (("state", "history", "history"), [1], "state.history.history should be a dict"),
    (("state", "history", "history", "loss"), "abc", "state.history.history['loss'] should be a per-epoch list"),
    (("state", "callbacks"), "abc", "state.callbacks should be a list"),
    (("state", "optimizer", "state", "0", "step"), "x", "state.optimizer.state['0'].step should be a count of steps"),
    (("state", "optimizer", "state", "0", "step"), -5, "got -5"),
])
def test_a_hand_edited_checkpoint_is_refused_naming_the_entry(tmp_path, where, value, message):
    with pytest.raises(KeyboardInterrupt):
        train("adam-amsgrad", 0, tmp_path, callbacks=[InterruptAt(epoch=3, step=1)])
    _edited_checkpoint(tmp_path, _set(where, value))
    with pytest.raises(glassnet.ModelFileError) as error:
        train("adam-amsgrad", 0, tmp_path, resume=True)
    assert message in str(error.value) and checkpoint_path(tmp_path) in str(error.value)
