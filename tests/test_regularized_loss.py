import numpy as np
import pytest

import glassnet as gn
from glassnet import nn


def _model():
    return nn.Sequential(nn.Linear(3, 4, dtype="float64", generator=0), nn.Tanh(),
                         nn.Linear(4, 2, dtype="float64", generator=1))


def test_gradient_is_the_base_gradient_plus_the_penalty_gradients():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    model = _model()
    weights = [model[0].weight, model[2].weight]
    base = nn.CrossEntropyLoss()
    base(model(gn.tensor(X)), y).backward()
    plain = [w.grad.numpy().copy() for w in weights]
    bias_plain = model[0].bias.grad.numpy().copy()
    for p in model.parameters():
        p.grad = None
    loss = gn.RegularizedLoss(base, weights, l1=0.3, l2=0.7, n_samples=20)
    value = loss(model(gn.tensor(X)), y)
    value.backward()
    for w, g in zip(weights, plain):
        np.testing.assert_allclose(w.grad.numpy(), g + 0.3 * np.sign(w.numpy()) / 20 + 0.7 * w.numpy() / 20, atol=1e-12)
    np.testing.assert_allclose(model[0].bias.grad.numpy(), bias_plain, atol=1e-12)  # biases are not penalized
    expected_penalty = sum(0.3 * np.abs(w.numpy()).sum() / 20 + 0.7 * (w.numpy() ** 2).sum() / 40 for w in weights)
    assert float(loss.penalty().item()) == pytest.approx(expected_penalty)


def test_fit_treats_the_wrapper_like_its_base_loss():
    X, y = gn.datasets.xor()
    model = nn.Sequential(nn.Linear(2, 8, generator=0), nn.Tanh(), nn.Linear(8, 2, generator=1))
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    loss = gn.RegularizedLoss(nn.CrossEntropyLoss(), weights, l2=1e-3, n_samples=4)
    history = gn.fit(model, loss, gn.optim.Adam(model.parameters(), lr=0.05), X, y, epochs=3, batch_size=4,
                     progress=False, seed=0)
    assert "accuracy" in history.history
    assert "accuracy" in gn.evaluate(model, loss, X, y)


@pytest.mark.parametrize("kwargs, match", [(dict(l1=-1), "l1"), (dict(l2=float("nan")), "l2"),
                                           (dict(n_samples=0), "n_samples")])
def test_bad_strengths_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gn.RegularizedLoss(nn.MSELoss(), [gn.tensor([1.0])], **kwargs)
