"""Check that glassnet's optimizers, schedules and clipping give PyTorch's numbers (needs torch).

Run: ``pip install torch==2.13.0 && python scripts/compare_with_pytorch.py``. From the same start,
each optimizer takes five steps on a least-squares problem in both libraries; the script prints
the largest difference between the two weight matrices, then the same for each learning-rate
schedule's sequence and for gradient clipping. Not a test dependency: the tests check the same
rules against hand-computed numbers.
"""
import numpy as np
import torch

import glassnet as gn

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.2)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
]
SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
]


def compare_optimizers(start, inputs, targets):
    for name, options in OPTIMIZERS:
        ours = gn.nn.Parameter(start.copy())
        theirs = torch.tensor(start.copy(), requires_grad=True)
        our_optimizer = getattr(gn.optim, name)([ours], **options)
        their_optimizer = getattr(torch.optim, name)([theirs], **options)
        for _ in range(5):
            ours.grad = None
            gn.functional.mse_loss(gn.tensor(inputs) @ ours.T, targets).backward()
            our_optimizer.step()
            their_optimizer.zero_grad()
            torch.nn.functional.mse_loss(torch.tensor(inputs) @ theirs.T, torch.tensor(targets)).backward()
            their_optimizer.step()
        difference = np.abs(ours.data - theirs.detach().numpy()).max()
        print(f"{name:8s} {options}: largest difference {difference:.2e}")


def compare_schedules():
    for name, options in SCHEDULES:
        our_optimizer = gn.optim.SGD([gn.nn.Parameter(np.zeros(1))], lr=0.1)
        their_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        ours = getattr(gn.optim, name)(our_optimizer, **options)
        theirs = getattr(torch.optim.lr_scheduler, name)(their_optimizer, **options)
        our_rates, their_rates = [], []
        for _ in range(15):
            our_optimizer.step()
            their_optimizer.step()
            ours.step()
            theirs.step()
            our_rates.append(ours.get_last_lr()[0])
            their_rates.append(theirs.get_last_lr()[0])
        print(f"{name}: largest difference {np.abs(np.array(our_rates) - their_rates).max():.2e}")

    our_optimizer = gn.optim.SGD([gn.nn.Parameter(np.zeros(1))], lr=0.1)
    their_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    ours = gn.optim.ReduceLROnPlateau(our_optimizer, patience=2, factor=0.5, cooldown=1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_optimizer, patience=2, factor=0.5, cooldown=1)
    our_rates, their_rates = [], []
    for metric in [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2.9999, 3]:
        ours.step(metric)
        theirs.step(metric)
        our_rates.append(our_optimizer.param_groups[0]["lr"])
        their_rates.append(their_optimizer.param_groups[0]["lr"])
    print(f"ReduceLROnPlateau: same sequence {our_rates == their_rates}: {our_rates}")


def compare_clipping(start, inputs):
    theirs = [torch.tensor(start.copy(), requires_grad=True), torch.tensor(inputs.copy(), requires_grad=True)]
    ours = [gn.nn.Parameter(start.copy()), gn.nn.Parameter(inputs.copy())]
    for their_parameter, our_parameter in zip(theirs, ours):
        their_parameter.grad = torch.ones_like(their_parameter) * 3
        our_parameter.grad = gn.tensor(np.ones_like(our_parameter.data) * 3)
    their_norm = float(torch.nn.utils.clip_grad_norm_(theirs, 1.0))
    our_norm = float(gn.optim.clip_grad_norm_(ours, 1.0))
    difference = np.abs(ours[0].grad.data - theirs[0].grad.numpy()).max()
    print(f"clip_grad_norm_: total norm {our_norm} (PyTorch {their_norm}); largest difference after clipping {difference:.2e}")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    start, inputs, targets = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    compare_optimizers(start, inputs, targets)
    compare_schedules()
    compare_clipping(start, inputs)
