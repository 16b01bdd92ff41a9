"""fit's stop rules, schedules and callback logs, as a Keras user expects them (keras.io Model.fit, callbacks)."""
import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.callbacks import Callback, EarlyStopping, LambdaCallback, TargetLoss
from glassnet.optim.lr_scheduler import ReduceLROnPlateau


def separable(n, seed):
    """Two classes that the first feature separates, with noise in the other three."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4)).astype(np.float32)
    y = rng.integers(0, 2, n)
    X[:, 0] += 2 * y
    return X, y


def net(seed=0):
    return nn.Sequential(nn.Linear(4, 8, generator=seed), nn.Tanh(), nn.Linear(8, 2, generator=seed + 1))


def test_early_stopping_on_an_accuracy_keeps_the_most_accurate_epoch():
    X, y = separable(300, 0)
    X_val, y_val = separable(100, 1)
    model = net()
    weights = {}
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: weights.__setitem__(epoch, (logs["val_accuracy"], model.state_dict())))
    stopper = EarlyStopping(monitor="val_accuracy", patience=2)  # mode 'auto': an accuracy gets better upwards
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.05), X, y, epochs=30,
                     batch_size=32, validation_data=(X_val, y_val), callbacks=[keep, stopper], progress=False, seed=0)
    accuracies = history["val_accuracy"]
    assert accuracies[2] > accuracies[0]  # it rose, and rising is no reason to stop
    best = int(np.argmax(accuracies))  # the first epoch with the highest accuracy
    assert stopper.best_epoch == best and stopper.best == max(accuracies)
    assert gn.evaluate(model, nn.CrossEntropyLoss(), X_val, y_val)["accuracy"] == max(accuracies)
    for key, value in weights[best][1].items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


@pytest.mark.parametrize("monitor,mode,expected", [("val_loss", "auto", "min"), ("loss", "auto", "min"),
                                                   ("val_accuracy", "auto", "max"), ("accuracy", "max", "max"),
                                                   ("grad_norm", "min", "min"), ("val_neg_log_loss", "auto", "max"),
                                                   ("neg_mean_squared_error", "max", "max")])
def test_early_stopping_mode_auto_follows_the_name(monitor, mode, expected):
    assert EarlyStopping(monitor=monitor, mode=mode).mode == expected


@pytest.mark.parametrize("arguments,match", [
    (dict(monitor="val_accuracy", mode="min"), r"mode='min' would count a worse 'val_accuracy' as better .* mode='max'"),
    (dict(monitor="val_loss", mode="max"), r"mode='max' would count a worse 'val_loss' as better .* mode='min'"),
    (dict(monitor="grad_norm"), r"cannot tell whether 'grad_norm' should go down or up; pass mode='min'"),
])
def test_early_stopping_refuses_a_mode_it_cannot_infer_or_that_contradicts_the_name(arguments, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**arguments)


def test_restore_best_weights_also_when_the_epochs_run_out():
    X, y = separable(200, 0)
    X_val, y_val = separable(50, 1)
    X_val[:, 0] = -X_val[:, 0]  # validation rows the training data teaches the wrong way: val_loss soon gets worse
    model = net()
    weights = {}
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: weights.__setitem__(epoch, (logs["val_loss"], model.state_dict())))
    stopper = EarlyStopping(monitor="val_loss", patience=50)
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9), X, y,
                     epochs=15, batch_size=8, validation_data=(X_val, y_val), callbacks=[keep, stopper],
                     progress=False, seed=0)
    assert history.stop_reason == "reached the last epoch"
    best = int(np.argmin(history["val_loss"]))
    assert best < 14  # the best epoch is not the last, so restoring changes the model
    for key, value in weights[best][1].items():
        np.testing.assert_array_equal(model.state_dict()[key], value)
    assert gn.evaluate(model, nn.CrossEntropyLoss(), X_val, y_val, batch_size=8)["loss"] == pytest.approx(min(history["val_loss"]))


def test_an_interrupted_run_keeps_the_weights_of_its_last_step():
    X, y = separable(100, 0)
    model = net()
    last = {}

    class InterruptSecondEpoch(Callback):
        def on_batch_end(self, step, logs):
            if self.run.epoch == 1 and step == 2:
                last.update(model.state_dict())
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=5, batch_size=10,
               callbacks=[EarlyStopping("loss", patience=3), InterruptSecondEpoch()], progress=False, seed=0)
    for key, value in last.items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_a_plateau_schedule_watches_its_monitor_in_its_mode():
    X, y = separable(300, 0)
    X_val, y_val = separable(100, 1)
    model = net()
    optimizer = gn.optim.SGD(model.parameters(), lr=0.05)
    scheduler = ReduceLROnPlateau(optimizer, mode="max", patience=0, factor=0.5, monitor="val_accuracy")
    history = gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=6, batch_size=32,
                     validation_data=(X_val, y_val), scheduler=scheduler, progress=False, seed=0)
    accuracies, rates = history["val_accuracy"], history["lr"]
    # hand-worked: with patience 0 and threshold 1e-4 (relative), lr halves after each epoch whose
    # accuracy is not above the best so far by that margin; the lr logged for an epoch is the one it used
    expected, best, lr = [], -np.inf, 0.05
    for accuracy in accuracies:
        expected.append(lr)
        if accuracy > best * (1 + 1e-4):
            best = accuracy
        else:
            lr *= 0.5
    np.testing.assert_allclose(rates, expected)
    assert rates[-1] > 0.05 / 2 ** 5  # not halved every epoch, as a loss fed to mode='max' would be


def test_a_plateau_schedule_in_max_mode_is_not_fed_a_loss():
    X, y = separable(40, 0)
    model = net()
    optimizer = gn.optim.SGD(model.parameters(), lr=0.05)
    with pytest.raises(ValueError, match=r"stepped with val_loss; set its monitor=.*mode='max' would count a worse 'val_loss'"):
        gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=2, validation_data=(X, y),
               scheduler=ReduceLROnPlateau(optimizer, mode="max"), progress=False)
    assert "monitor" not in ReduceLROnPlateau(optimizer, monitor="val_accuracy").state_dict()


def test_a_plateau_monitor_that_is_not_logged_names_what_is():
    X, y = separable(40, 0)
    model = net()
    optimizer = gn.optim.SGD(model.parameters(), lr=0.05)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: scheduler watches 'val_accuracy', which is logged only with validation_data"):
        gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=1, progress=False,
               scheduler=ReduceLROnPlateau(optimizer, mode="max", monitor="val_accuracy"))
    for key, value in before.items():  # refused before any step
        np.testing.assert_array_equal(model.state_dict()[key], value)
    with pytest.raises(KeyError, match=r"monitor 'acuracy' is not among the logged values \['accuracy'"):
        gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=1, progress=False,
               scheduler=ReduceLROnPlateau(optimizer, mode="max", monitor="acuracy"))


def test_validation_uses_the_training_batch_size_so_a_per_batch_penalty_is_measured_alike():
    X, y = separable(100, 0)
    model = net()
    loss = gn.RegularizedLoss(nn.CrossEntropyLoss(), [model[0].weight, model[2].weight], l2=5.0, n_samples=None)
    history = gn.fit(model, loss, gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=10,
                     validation_data=(X, y), progress=False)
    assert history["val_loss"][0] == pytest.approx(history["loss"][0], rel=1e-6)  # same weights, same rows
    assert history["val_loss"][0] == pytest.approx(gn.evaluate(model, loss, X, y, batch_size=10)["loss"], rel=1e-6)
    history = gn.fit(model, loss, gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=10,
                     validation_data=(X, y), validation_batch_size=100, progress=False)
    assert history["val_loss"][0] == pytest.approx(gn.evaluate(model, loss, X, y, batch_size=100)["loss"], rel=1e-6)
    assert history["val_loss"][0] < history["loss"][0]  # one batch: the penalty counted once instead of ten times


class StopAtBatch(Callback):
    def __init__(self, at):
        self.at, self.batches = at, 0

    def on_batch_end(self, step, logs):
        self.batches += 1
        if self.batches == self.at:
            self.run.stop_training = True


def test_stop_training_set_after_a_batch_stops_after_that_batch():
    X, y = separable(100, 0)
    model = net()
    steps = []
    optimizer = gn.optim.SGD(model.parameters(), lr=0.0)  # lr 0: the epoch's loss is the mean over the rows visited
    counting = LambdaCallback(on_batch_end=lambda step, logs: steps.append(step))
    stopper = StopAtBatch(3)
    history = gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=3, batch_size=10,
                     callbacks=[stopper, counting], progress=False, shuffle=False)
    assert steps == [0, 1, 2] and len(history.epoch) == 1
    assert history.stop_reason == "StopAtBatch set stop_training"
    visited = gn.evaluate(model, nn.CrossEntropyLoss(), X[:30], y[:30])
    assert history["loss"][0] == pytest.approx(visited["loss"], rel=1e-6)
    assert history["accuracy"][0] == visited["accuracy"]


def test_batch_logs_hold_the_running_means_of_the_epoch_and_the_batchs_own_loss():
    X, y = separable(25, 0)
    model = net()
    seen = []
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=10,
           callbacks=[LambdaCallback(on_batch_end=lambda step, logs: seen.append(dict(logs)))], progress=False,
           shuffle=False)
    assert [logs["batch_size"] for logs in seen] == [10, 10, 5]
    for logs, end in zip(seen, (10, 20, 25)):
        so_far = gn.evaluate(model, nn.CrossEntropyLoss(), X[:end], y[:end])
        assert logs["loss"] == pytest.approx(so_far["loss"], rel=1e-6)
        assert logs["accuracy"] == so_far["accuracy"]
    assert seen[2]["batch_loss"] == pytest.approx(gn.evaluate(model, nn.CrossEntropyLoss(), X[20:], y[20:])["loss"], rel=1e-6)


def test_history_records_what_callbacks_add_to_the_epoch_logs():
    X, y = separable(60, 0)
    model = net()

    class ValError(Callback):
        def on_epoch_end(self, epoch, logs):
            logs["val_error"] = 1.0 - logs["val_accuracy"]

    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=3,
                     validation_data=(X, y), callbacks=[ValError(), EarlyStopping("val_error", mode="min", patience=5)],
                     progress=False)
    np.testing.assert_allclose(history["val_error"], 1.0 - np.array(history["val_accuracy"]))


def test_on_train_end_gets_the_last_epochs_logs_and_the_stop_reason():
    X, y = separable(40, 0)
    model = net()
    ends, epochs = [], []
    watch = LambdaCallback(on_epoch_end=lambda epoch, logs: epochs.append(dict(logs)),
                           on_train_end=lambda logs: ends.append(dict(logs)))
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=2,
                     validation_data=(X, y), callbacks=[watch], progress=False)
    assert ends == [{**epochs[-1], "stop_reason": "reached the last epoch"}]
    assert history.stop_reason == "reached the last epoch"


def test_fit_takes_patience_zero_as_keras_early_stopping_does():
    X, y = separable(60, 0)
    X_val, y_val = separable(30, 1)
    X_val[:, 0] = -X_val[:, 0]  # val_loss gets worse at once
    model = net()
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5), X, y, epochs=20,
                     validation_data=(X_val, y_val), patience=0, progress=False, seed=0)
    best = int(np.argmin(history["val_loss"]))
    assert len(history.epoch) == best + 2  # the first epoch without improvement stops it


def test_a_target_loss_on_a_value_that_is_not_logged_is_an_error_not_a_rule_that_never_fires():
    X, y = separable(40, 0)
    model = net()
    with pytest.raises(ValueError, match=r"fit: TargetLoss watches 'val_loss', which is logged only with validation_data"):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=3,
               callbacks=[TargetLoss(10.0, monitor="val_loss")], progress=False)
    with pytest.raises(KeyError, match=r"TargetLoss: monitor 'los' is not among the logged values"):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=3,
               callbacks=[TargetLoss(10.0, monitor="los")], progress=False)


def test_a_model_with_every_parameter_frozen_is_refused_by_name():
    X, y = separable(40, 0)
    model = net()
    for parameter in model.parameters():
        parameter.requires_grad = False
    with pytest.raises(ValueError, match=r"fit: no parameter the optimizer updates requires grad \(all are frozen\)"):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1,
               progress=False)


def test_a_frozen_model_trains_a_parameter_that_lives_in_the_loss():
    X, y = separable(80, 0)
    model = net().requires_grad_(False)
    temperature = nn.Parameter(np.ones(1, np.float32))  # temperature scaling: logits / T, T learned

    def scaled(logits, labels):
        return gn.functional.cross_entropy(logits / temperature, labels)

    before = gn.evaluate(model, scaled, X, y)["loss"]
    gn.fit(model, scaled, gn.optim.SGD([temperature], lr=0.1), X, y, epochs=5, progress=False, seed=0)
    assert temperature.item() != 1.0 and gn.evaluate(model, scaled, X, y)["loss"] < before


def test_float_validation_labels_are_refused_before_training_naming_validation_data():
    X, y = separable(40, 0)
    model = net()
    started = []
    with pytest.raises(TypeError, match=r"validation_data\[1\]: class labels for cross-entropy must be integers, got dtype float32"):
        gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1,
               validation_data=(X, y.astype(np.float32)), progress=False,
               callbacks=[LambdaCallback(on_train_begin=lambda logs: started.append(True))])
    assert not started


def test_resuming_with_a_plateau_schedule_that_watches_another_value_is_refused(tmp_path):
    X, y = separable(60, 0)

    def run(monitor, mode, resume):
        model = net()
        optimizer = gn.optim.SGD(model.parameters(), lr=0.05)
        return gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=3, validation_data=(X, y), progress=False,
                      scheduler=ReduceLROnPlateau(optimizer, mode=mode, monitor=monitor), checkpoint=tmp_path,
                      resume=resume, seed=0)

    run("val_accuracy", "max", False)
    with pytest.raises(ValueError, match=r"comes from a different run \(plateau_monitor: checkpoint 'val_accuracy', this run 'val_loss'"):
        run("val_loss", "min", True)


def test_a_callback_may_log_the_val_value_a_later_stop_rule_watches():
    X, y = separable(60, 0)
    X_val, y_val = separable(30, 1)
    model = net()

    class OwnValidation(Callback):
        def on_epoch_end(self, epoch, logs):
            logs["val_loss"] = gn.evaluate(self.run.model, nn.CrossEntropyLoss(), X_val, y_val)["loss"]

    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), X, y, epochs=4,
                     callbacks=[OwnValidation(), EarlyStopping("val_loss", patience=10)], progress=False)
    assert len(history["val_loss"]) == 4
