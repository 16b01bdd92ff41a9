"""The training loop: the learning cycle, its stop rules, divergence and bad input."""
import io

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.callbacks import Callback, LambdaCallback

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def xor_net(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(2, 3, generator=rng), nn.Sigmoid(), nn.Linear(3, 2, generator=rng), nn.Sigmoid())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_xor_2_3_2_sigmoid_net_reaches_full_accuracy_with_squared_error(seed):
    model = xor_net(seed)
    history = gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=2.0, momentum=0.9),
                     XOR_X, np.eye(2, dtype=np.float32)[XOR_Y], epochs=3000, batch_size=4, seed=seed,
                     target_loss=0.005, progress=False)
    with gn.no_grad():
        predicted = model(XOR_X).argmax(axis=1).numpy()
    np.testing.assert_array_equal(predicted, XOR_Y)
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] <= 0.005 and "target" in history.stop_reason


def test_xor_with_cross_entropy_and_labels():
    model = nn.Sequential(nn.Linear(2, 3, generator=4), nn.Sigmoid(), nn.Linear(3, 2, generator=5))
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.Adam(model.parameters(), lr=0.05),
                     XOR_X, XOR_Y, epochs=2000, batch_size=4, target_loss=0.01, seed=0, progress=False)
    assert history["accuracy"][-1] == 1.0
    assert gn.evaluate(model, nn.CrossEntropyLoss(), XOR_X, XOR_Y)["accuracy"] == 1.0


def profit(x):
    return -2 * x**2 + 12 * x - 10


def test_profit_function_maximised_by_gradient_steps_on_a_tensor():
    x = gn.tensor(0.0, requires_grad=True, dtype="float64")
    for _ in range(200):
        p = profit(x)
        x.grad = None
        p.backward()
        with gn.no_grad():
            x.data = x.data + 0.1 * x.grad.data  # ascend: x ← x + lr · dP/dx
    assert abs(x.item() - 3.0) < 1e-4
    assert profit(x).item() == pytest.approx(8.0)


def test_profit_function_maximised_by_sgd_maximize():
    x = gn.nn.Parameter(np.array(0.0))
    optimizer = gn.optim.SGD([x], lr=0.05, maximize=True)
    for _ in range(300):
        optimizer.zero_grad()
        profit(x).backward()
        optimizer.step()
    assert abs(x.item() - 3.0) < 1e-4


def regression_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3)).astype(np.float32)
    y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    return X, y


def test_history_records_per_epoch_values():
    X, y = regression_data()
    model = nn.Sequential(nn.Linear(3, 8, generator=0), nn.Tanh(), nn.Linear(8, 1, generator=1))
    scheduler_optimizer = gn.optim.SGD(model.parameters(), lr=0.1)
    history = gn.fit(model, nn.MSELoss(), scheduler_optimizer, X, y, epochs=6, batch_size=50,
                     validation_data=regression_data(50, seed=1),
                     scheduler=gn.optim.StepLR(scheduler_optimizer, step_size=2, gamma=0.5), progress=False, seed=0)
    h = history.history
    assert len(h["loss"]) == len(h["val_loss"]) == len(h["seconds"]) == 6
    assert "accuracy" not in h  # regression
    assert h["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert {"grad_norm/0.weight", "grad_norm/0.bias", "grad_norm/2.weight", "grad_norm/2.bias"} <= set(h)
    assert h["loss"][-1] < h["loss"][0]
    with pytest.raises(KeyError, match="recorded"):
        history["val_accuracy"]


def test_loss_value_matches_manual_full_batch_step():
    X, y = regression_data(40)
    model = nn.Sequential(nn.Linear(3, 1, dtype="float64", generator=0))
    W0, b0 = model[0].weight.data.copy(), model[0].bias.data.copy()
    gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.1), X.astype(np.float64), y.astype(np.float64),
           epochs=1, batch_size=40, shuffle=False, progress=False)
    # one full-batch step of W ← W − lr · dL/dW with L = mean((XWᵀ + b − y)²), derived by hand
    residual = X @ W0.T + b0 - y
    W1 = W0 - 0.1 * (2 / 40) * residual.T @ X
    b1 = b0 - 0.1 * (2 / 40) * residual.sum(axis=0)
    np.testing.assert_allclose(model[0].weight.data, W1, rtol=1e-6)
    np.testing.assert_allclose(model[0].bias.data, b1, rtol=1e-6)


def test_same_seed_same_run():
    X, y = regression_data()

    def train():
        model = nn.Sequential(nn.Linear(3, 4, generator=1), nn.ReLU(), nn.Linear(4, 1, generator=2))
        gn.fit(model, nn.MSELoss(), gn.optim.Adam(model.parameters(), lr=0.01), X, y, epochs=3, batch_size=16,
               seed=42, progress=False)
        return model.state_dict()

    a, b = train(), train()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_patience_stops_and_restores_best_weights():
    X, y = regression_data(100)
    X_val, y_val = regression_data(30, seed=5)
    y_val = -y_val  # validation target the model cannot fit: val_loss soon gets worse
    model = nn.Sequential(nn.Linear(3, 1, generator=0))
    snapshots = {}
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.__setitem__(epoch, (logs["val_loss"], model.state_dict())))
    history = gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.05), X, y, epochs=200,
                     validation_data=(X_val, y_val), patience=3, callbacks=[keep], progress=False, seed=0)
    assert len(history.epoch) < 200 and "did not improve" in history.stop_reason
    best_epoch = min(snapshots, key=lambda e: snapshots[e][0])
    assert len(history.epoch) == best_epoch + 1 + 3
    for key, value in snapshots[best_epoch][1].items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_callbacks_are_called_in_order():
    X, y = regression_data(20)
    events = []
    callback = LambdaCallback(on_train_begin=lambda logs: events.append("begin"),
                              on_epoch_begin=lambda e, logs: events.append(f"epoch{e}"),
                              on_batch_end=lambda s, logs: events.append("batch"),
                              on_epoch_end=lambda e, logs: events.append(f"end{e}"),
                              on_train_end=lambda logs: events.append("done"))
    model = nn.Sequential(nn.Linear(3, 1))
    gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=2, batch_size=10,
           callbacks=[callback], progress=False)
    assert events == ["begin", "epoch0", "batch", "batch", "end0", "epoch1", "batch", "batch", "end1", "done"]


def deep_net():
    layers = []
    for i in range(6):
        layers += [nn.Linear(10 if i == 0 else 32, 32, generator=i), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(32, 3, generator=9))


def test_divergence_raises_naming_the_parameter():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 10)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    model = deep_net()
    parameter_names = [name for name, _ in model.named_parameters()]
    with pytest.raises(gn.TrainingDiverged) as caught:
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=1e3), X, y, epochs=50,
               seed=0, progress=False)
    error = caught.value
    assert error.parameter in parameter_names
    message = str(error)
    assert f"'{error.parameter}'" in message
    assert f"epoch {error.epoch}, step {error.step}" in message
    assert "learning rate" in message and "clip" in message
    assert error.kind in {"gradient", "activation", "parameter", "loss"}


def test_divergence_ends_training_for_the_callbacks():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 10)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    model = deep_net()
    ended = []
    with pytest.raises(gn.TrainingDiverged) as caught:
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=1e3), X, y, epochs=50,
               seed=0, progress=False, callbacks=[LambdaCallback(on_train_end=ended.append)])
    assert ended == [{"stop_reason": f"diverged at epoch {caught.value.epoch}, step {caught.value.step} "
                                     f"({caught.value.kind})", "interrupted": True, "diverged": True}]


def test_divergence_in_an_activation_names_the_layer():
    model = nn.Sequential(nn.Linear(2, 2, generator=0), nn.ReLU(), nn.Linear(2, 2, generator=1))
    model[2].weight.data[...] = np.inf
    with pytest.raises(gn.TrainingDiverged) as caught:
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), XOR_X, XOR_Y, epochs=2,
               progress=False)
    assert caught.value.parameter == "2.weight"
    model = nn.Sequential(nn.Linear(2, 2, generator=0), nn.ReLU(), nn.Linear(2, 2, generator=1))
    model[0].weight.data[...] = 1e38  # 1e38 · 1e3 overflows float32 in the first layer's output
    with pytest.raises(gn.TrainingDiverged) as caught:
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), XOR_X * 1e3, XOR_Y,
               epochs=2, progress=False)
    assert caught.value.layer == "0" and "layer '0' (Linear)" in str(caught.value)


def test_clip_grad_norm_prevents_the_same_divergence():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 10)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    model = deep_net()
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.05), X, y, epochs=3,
                     clip_grad_norm=1e-3, seed=0, progress=False)
    assert np.isfinite(history["loss"]).all()


def test_progress_bar_is_silent_when_not_a_terminal(capsys):
    X, y = regression_data(20)
    model = nn.Sequential(nn.Linear(3, 1))
    gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_draws_on_a_terminal():
    from glassnet.callbacks import ProgressBar

    class FakeTerminal(io.StringIO):
        def isatty(self):
            return True

    screen = FakeTerminal()
    X, y = regression_data(20)
    model = nn.Sequential(nn.Linear(3, 1))
    gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=3, progress=False,
           callbacks=[ProgressBar(file=screen)])
    assert "3/3" in screen.getvalue() and "loss=" in screen.getvalue()


def small_fit(**overrides):
    X, y = regression_data(20)
    model = nn.Sequential(nn.Linear(3, 1))
    arguments = dict(model=model, loss_fn=nn.MSELoss(), optimizer=gn.optim.SGD(model.parameters(), lr=0.01),
                     X=X, y=y, epochs=1, progress=False)
    arguments.update(overrides)
    return gn.fit(**arguments)


@pytest.mark.parametrize("overrides,match", [
    (dict(X=np.full((20, 3), np.nan)), r"X: contains NaN or infinity, first at index \(0, 0\)"),
    (dict(y=np.zeros((19, 1))), r"y: expected 20 targets .* got shape \(19, 1\)"),
    (dict(X=np.zeros((0, 3)), y=np.zeros((0, 1))), "at least one sample"),
    (dict(X=np.zeros(20)), r"2-D array.*X.reshape\(-1, 1\) for a single feature or X.reshape\(1, -1\) for a single sample"),
    (dict(validation_data=(np.zeros((5, 3)), np.zeros((4, 1)))),
     r"validation_data\[1\]: expected 5 targets \(one per row of validation_data\[0\]\)"),
    (dict(model=nn.Sequential(nn.Linear(3, 2)), loss_fn=nn.CrossEntropyLoss(), y=np.zeros((20, 1), dtype=int)),
     r"y: class labels for cross-entropy must have shape \(20,\), got \(20, 1\); use y.ravel\(\)"),
    (dict(X=[["a", "b", "c"]] * 20), "numbers"),
    (dict(epochs=0), "epochs: expected an integer >= 1, got 0"),
    (dict(batch_size=-4), "batch_size"),
    (dict(clip_grad_norm=-1.0), "clip_grad_norm"),
    (dict(validation_data=np.zeros((3, 3))), "validation_data"),
    (dict(X=np.zeros((20, 5))), r"layer '0'.*3 features.*\(20, 5\)"),
    (dict(optimizer="sgd"), "optimizer must be a glassnet.optim.Optimizer"),
    (dict(model="net"), "model must be a glassnet.nn.Module, got str"),
    (dict(callbacks=3), "callbacks must be a list of glassnet.callbacks.Callback objects, got int"),
    (dict(scheduler=3), "scheduler must be a learning-rate schedule with a step"),
    (dict(blas_threads=0), "blas_threads: expected 'auto', None or an integer >= 1, got 0"),
    (dict(loss_fn=nn.MSELoss(reduction="none")), r"loss_fn must return a scalar Tensor .* shape \(20, 1\)"),
])
def test_bad_input_is_a_clear_error(overrides, match):
    with pytest.raises((ValueError, TypeError)) as caught:
        small_fit(**overrides)
    assert caught.match(match)


def test_labels_out_of_range_name_the_label():
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError, match=r"class label 5 is out of range for 2 classes"):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), XOR_X, np.array([0, 1, 5, 0]),
               epochs=1, progress=False)


def test_float64_training():
    X, y = regression_data(40)
    model = nn.Sequential(nn.Linear(3, 1, dtype="float64"))
    gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=2, progress=False)
    assert model[0].weight.dtype == np.float64 and model[0].weight.grad.dtype == np.float64


def test_batch_end_hooks_run_only_for_callbacks_that_define_them():
    from glassnet.training.callbacks import Callback, CallbackList, LambdaCallback

    class Counting(Callback):
        def __init__(self):
            self.batches = 0

        def on_batch_end(self, step, logs):
            self.batches += 1

    assert not CallbackList([gn.History(), Callback()]).wants_batch_end
    assert CallbackList([gn.History(), LambdaCallback(on_batch_end=lambda step, logs: None)]).wants_batch_end
    counting = Counting()
    assert CallbackList([counting]).wants_batch_end
    X = np.random.default_rng(0).standard_normal((10, 2)).astype(np.float32)
    model = nn.Sequential(nn.Linear(2, 2))
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, np.arange(10) % 2,
           epochs=2, batch_size=4, callbacks=[counting], progress=False)
    assert counting.batches == 2 * 3


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, None, "huge"])
def test_the_one_pass_finiteness_check_agrees_with_isfinite(dtype, layout, bad):
    from glassnet.validation import _all_finite

    X = np.random.default_rng(0).standard_normal((50, 40)).astype(dtype)
    if bad == "huge":  # finite, but its square overflows: the exact check must say finite
        X[7, 8] = np.finfo(dtype).max / 2
    elif bad is not None:
        X[7, 8] = bad
    X = {"C": X, "F": np.asfortranarray(X), "strided": X[:, ::2]}[layout]
    assert _all_finite(X) == bool(np.isfinite(X).all())


def test_evaluate_checks_its_arguments_by_name():
    X, y = regression_data(20)
    model = nn.Sequential(nn.Linear(3, 1))
    for batch_size in (0, -1, 2.5):
        with pytest.raises(ValueError, match=rf"batch_size: expected an integer >= 1, got {batch_size}"):
            gn.evaluate(model, nn.MSELoss(), X, y, batch_size=batch_size)
    with pytest.raises(TypeError, match="evaluate: loss_fn must be callable"):
        gn.evaluate(model, 3, X, y)
    assert gn.evaluate(nn.Sequential(nn.ReLU()), nn.MSELoss(), X, np.maximum(X, 0))["loss"] == 0.0  # no parameters


def test_a_summed_loss_is_logged_as_the_sum_over_the_data_as_evaluate_gives_it():
    X, y = regression_data(30)
    model = nn.Sequential(nn.Linear(3, 1))
    loss_fn = nn.MSELoss(reduction="sum")
    with gn.no_grad():
        whole = float(((model(X).numpy() - y) ** 2).sum())
    history = gn.fit(model, loss_fn, gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=7,
                     shuffle=False, progress=False, validation_data=(X, y))
    np.testing.assert_allclose(history["loss"][0], whole, rtol=1e-5)
    np.testing.assert_allclose(history["val_loss"][0], whole, rtol=1e-5)
    np.testing.assert_allclose(gn.evaluate(model, loss_fn, X, y, batch_size=4)["loss"], whole, rtol=1e-5)
    mean = gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=7,
                  progress=False)
    np.testing.assert_allclose(mean["loss"][0], whole / 30, rtol=1e-5)


def test_multi_label_accuracy_is_the_fraction_of_right_targets():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4)).astype(np.float32)
    Y = (X[:, :3] > 0).astype(np.float32)
    model = nn.Sequential(nn.Linear(4, 3, generator=1))
    history = gn.fit(model, nn.BCEWithLogitsLoss(), gn.optim.SGD(model.parameters(), lr=0.0), X, Y, epochs=1,
                     progress=False, validation_data=(X, Y))
    with gn.no_grad():
        expected = float(((model(X).numpy() > 0) == (Y > 0.5)).mean())  # over every (sample, label)
    assert history["accuracy"][0] == pytest.approx(expected)
    assert history["val_accuracy"][0] == pytest.approx(expected)
    assert gn.evaluate(model, nn.BCEWithLogitsLoss(), X, Y)["accuracy"] == pytest.approx(expected)


def test_integer_labels_stay_labels_for_a_wrapped_or_custom_loss():
    import functools

    from glassnet import functional as F
    model = nn.Sequential(nn.Linear(2, 2, generator=0))
    for loss_fn in (functools.partial(F.cross_entropy), lambda out, target: F.cross_entropy(out, target)):
        history = gn.fit(model, loss_fn, gn.optim.SGD(model.parameters(), lr=0.1), XOR_X, XOR_Y, epochs=2,
                         progress=False, callbacks=None)
        assert len(history["accuracy"]) == 2


def test_a_callback_that_stops_training_is_named_as_the_reason():
    class StopAfterTwo(Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch == 1:
                self.run.stop_training = True

    X, y = regression_data(20)
    model = nn.Sequential(nn.Linear(3, 1))
    history = small_fit(model=model, optimizer=gn.optim.SGD(model.parameters(), lr=0.01), epochs=5,
                        callbacks=StopAfterTwo())
    assert history.epoch == [0, 1]
    assert history.stop_reason == "StopAfterTwo set stop_training"


def test_a_checkpoint_path_that_is_a_file_is_refused_before_training(tmp_path):
    existing = tmp_path / "model.npz"
    existing.write_bytes(b"keep me")
    calls = []
    with pytest.raises(ValueError, match="checkpoint must be a directory"):
        small_fit(checkpoint=existing, callbacks=[LambdaCallback(on_epoch_begin=lambda *a: calls.append(a))])
    assert calls == [] and existing.read_bytes() == b"keep me"


@pytest.mark.parametrize("arguments,match", [
    (dict(patience=-1), "EarlyStopping: patience: expected an integer >= 0, got -1"),
    (dict(patience="a"), "EarlyStopping: patience: expected an integer >= 0, got 'a'"),
    (dict(min_delta="x"), "EarlyStopping: min_delta: expected a finite number >= 0, got 'x'"),
    (dict(monitor=3), "EarlyStopping: monitor must be the name of a logged value"),
    (dict(mode="up"), "EarlyStopping: mode must be 'auto', 'min' or 'max'"),
])
def test_early_stopping_checks_its_arguments(arguments, match):
    from glassnet.callbacks import EarlyStopping
    with pytest.raises((ValueError, TypeError), match=match):
        EarlyStopping(**arguments)


def test_no_accuracy_for_one_output_column_with_integer_targets():
    # a custom regression loss on integer targets: the argmax of one column is always 0, so an
    # "accuracy" would only be the share of targets equal to 0
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)).astype(np.float32), rng.integers(0, 5, 20)
    model = nn.Sequential(nn.Linear(3, 1, generator=0))

    def squared_error(output, target):
        return ((output.reshape(-1) - gn.tensor(target.astype(np.float32))) ** 2).mean()

    history = gn.fit(model, squared_error, gn.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=2,
                     validation_data=(X, y), progress=False)
    assert "accuracy" not in history.history and "val_accuracy" not in history.history
    assert set(gn.evaluate(model, squared_error, X, y)) == {"loss"}


@pytest.mark.parametrize("ignored", [-100, 0])
def test_accuracy_leaves_out_the_rows_the_loss_ignores(ignored):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)).astype(np.float32), rng.integers(0, 3, 20)
    y[:5] = ignored
    model = nn.Sequential(nn.Linear(3, 3, generator=0))
    loss_fn = nn.CrossEntropyLoss(ignore_index=ignored)
    history = gn.fit(model, loss_fn, gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=20,
                     progress=False)
    scores = gn.evaluate(model, loss_fn, X, y)
    predicted = model(gn.tensor(X)).numpy().argmax(axis=1)
    kept = y != ignored
    assert scores["accuracy"] == pytest.approx(np.mean(predicted[kept] == y[kept]))  # over the 15 rows counted
    assert 0 <= history["accuracy"][0] <= 1 and history["accuracy"][0] * kept.sum() == pytest.approx(
        round(history["accuracy"][0] * kept.sum()))


@pytest.mark.parametrize("options", [dict(), dict(weight=[0.5, 2.0, 1.0])])
def test_the_logged_loss_of_ignored_or_weighted_rows_is_the_data_sets_loss_whatever_the_batches(options):
    # PyTorch's mean divides by the sum of w[y] over the rows counted; a data set's loss is that over all rows
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((40, 4)).astype(np.float32), rng.integers(0, 3, 40)
    y[:10] = -100  # the first batch of 8 counts for nothing
    model = nn.Sequential(nn.Linear(4, 3, generator=0))
    loss_fn = nn.CrossEntropyLoss(**options)
    whole = loss_fn(model(X), y).item()
    for batch_size in (7, 8, 40):
        assert gn.evaluate(model, loss_fn, X, y, batch_size=batch_size)["loss"] == pytest.approx(whole, rel=1e-6)
    history = gn.fit(model, loss_fn, gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=8,
                     shuffle=False, progress=False)  # lr 0: the weights stay, so the epoch's loss is `whole`
    assert history["loss"][0] == pytest.approx(whole, rel=1e-6)


def _dropout_net():
    return nn.Sequential(nn.Linear(4, 3, generator=0), nn.Dropout(0.5, generator=1))


def test_fit_trains_with_dropout_on_validates_with_it_off_and_leaves_the_modes_as_they_were():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((40, 4)).astype(np.float32), rng.standard_normal((40, 3)).astype(np.float32)
    for start_in_training in (True, False):
        model = _dropout_net()
        model.train(start_in_training)
        linear = model[0]
        z = X @ linear.weight.numpy().T + linear.bias.numpy()  # lr = 0: the weights never change
        without_dropout = float(np.mean((z - Y) ** 2))
        history = gn.fit(model, nn.MSELoss(), gn.optim.SGD(model.parameters(), lr=0.0), X, Y, epochs=2,
                         batch_size=40, validation_data=(X, Y), progress=False)
        assert history["val_loss"] == pytest.approx([without_dropout] * 2, rel=1e-6)
        assert all(abs(loss - without_dropout) > 0.05 for loss in history["loss"])  # dropout was on in training
        assert model.training is start_in_training and model[1].training is start_in_training


def test_evaluate_turns_dropout_off_and_keeps_each_modules_own_mode():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 3)).astype(np.float32)
    model = _dropout_net()
    z = X @ model[0].weight.numpy().T + model[0].bias.numpy()
    assert gn.evaluate(model, nn.MSELoss(), X, Y)["loss"] == pytest.approx(float(np.mean((z - Y) ** 2)), rel=1e-6)
    assert model.training and model[1].training
    model[0].eval()  # a submodule kept in eval by the user stays so
    gn.evaluate(model, nn.MSELoss(), X, Y)
    assert model.training and not model[0].training and model[1].training
