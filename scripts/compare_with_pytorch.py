"""Check that glassnet's optimizers, schedules and clipping give PyTorch's numbers (needs torch installed).

Run: pip install torch==2.13.0 && python scripts/compare_with_pytorch.py
Prints the largest difference of each after five steps from the same start; not a test dependency.
"""
import numpy as np, torch, glassnet as gn
rng = np.random.default_rng(0)
W0 = rng.standard_normal((3, 4)); X = rng.standard_normal((5, 4)); T = rng.standard_normal((5, 3))
configs = [
 ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
 ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3)),
 ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)), ("AdamW", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.2)),
 ("RMSprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
 ("Adagrad", dict(lr=0.1)), ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
]
for name, kw in configs:
    w = gn.nn.Parameter(W0.copy()); tw = torch.tensor(W0.copy(), requires_grad=True)
    o = getattr(gn.optim, name)([w], **kw); to = getattr(torch.optim, name)([tw], **kw)
    for _ in range(5):
        w.grad = None; gn.functional.mse_loss(gn.tensor(X) @ w.T, T).backward(); o.step()
        to.zero_grad(); torch.nn.functional.mse_loss(torch.tensor(X) @ tw.T, torch.tensor(T)).backward(); to.step()
    print(f"{name:8s} {kw} maxdiff={np.abs(w.data - tw.detach().numpy()).max():.2e}")
for name, kw in [("StepLR", dict(step_size=3, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9)), ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01))]:
    o = gn.optim.SGD([gn.nn.Parameter(np.zeros(1))], lr=0.1); to = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    s = getattr(gn.optim, name)(o, **kw); ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    a, b = [], []
    for _ in range(15):
        o.step(); to.step(); s.step(); ts.step(); a.append(s.get_last_lr()[0]); b.append(ts.get_last_lr()[0])
    print(name, np.abs(np.array(a) - b).max())
o = gn.optim.SGD([gn.nn.Parameter(np.zeros(1))], lr=0.1); to = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
s = gn.optim.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1); ts = torch.optim.lr_scheduler.ReduceLROnPlateau(to, patience=2, factor=0.5, cooldown=1)
vals = [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2.9999, 3]
a=[];b=[]
for v in vals: s.step(v); ts.step(v); a.append(o.param_groups[0]['lr']); b.append(to.param_groups[0]['lr'])
print("Plateau", a == b, a)
ps = [torch.tensor(W0.copy(), requires_grad=True), torch.tensor(X.copy(), requires_grad=True)]
gs = [gn.nn.Parameter(W0.copy()), gn.nn.Parameter(X.copy())]
for p, g in zip(ps, gs): p.grad = torch.ones_like(p) * 3; g.grad = gn.tensor(np.ones_like(g.data) * 3)
print("clip", float(torch.nn.utils.clip_grad_norm_(ps, 1.0)), float(gn.optim.clip_grad_norm_(gs, 1.0)), np.abs(gs[0].grad.data - ps[0].grad.numpy()).max())
