"""``glassnet evaluate MODEL DATASET``: score a saved model on a data set."""
from __future__ import annotations

import numpy as np

from glassnet.cli import report
from glassnet.cli.arguments import fraction, non_negative_float, non_negative_int, positive_int


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "evaluate", help="score a saved model on a data set",
        description="Load MODEL (a model.npz written by 'glassnet train') and report its loss and accuracy on "
                    "DATASET. --part test rebuilds the same held-out split as training did (same --seed and "
                    "--test-size); 'all' uses every row. The model takes raw features.")
    parser.add_argument("model", metavar="MODEL", help="a .npz file from glassnet.save / glassnet train")
    parser.add_argument("dataset", metavar="DATASET", help="data set name or csv:PATH")
    parser.add_argument("--part", choices=("test", "train", "all"), default="test", help="default test")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="the seed used for training (default 0)")
    parser.add_argument("--test-size", type=fraction, default=0.2)
    parser.add_argument("--target", help="csv:PATH only: the target column")
    parser.add_argument("--samples", type=positive_int, help="toy 2-D sets: number of points used for training")
    parser.add_argument("--noise", type=non_negative_float, help="toy 2-D sets: noise used for training")
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--data-dir")
    parser.set_defaults(run=run)


def run(args) -> int:
    from glassnet.cli.data import load, split
    from glassnet.cli.plots import predict_classes

    model = load_network(args.model)
    dataset = load(args.dataset, args)
    if args.part == "all":
        X, y = dataset.X, dataset.y
    else:
        X_train, X_test, y_train, y_test, _ = split(dataset, args.test_size, args.seed)
        X, y = (X_test, y_test) if args.part == "test" else (X_train, y_train)
    n_inputs = network_inputs(model)
    if n_inputs is not None and X.shape[1] != n_inputs:
        raise ValueError(f"the model takes {n_inputs} features but {args.dataset} has {X.shape[1]}")
    if dataset.n_classes is None:
        outputs = _outputs(model, X).reshape(-1)
        print(f"{args.dataset} ({args.part}, {len(X)} samples): mean squared error {np.mean((outputs - y) ** 2):.4f}")
        return 0
    logits = _outputs(model, X)
    if logits.ndim != 2 or logits.shape[1] != dataset.n_classes:
        raise ValueError(f"the model gives {logits.shape[1] if logits.ndim == 2 else 1} outputs a sample, "
                         f"but {args.dataset} has {dataset.n_classes} classes: it was not trained for them")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_probabilities[np.arange(len(y)), y])
    predicted = predict_classes(model, X)
    rows = [[dataset.class_names[k] if dataset.class_names else k, int((y == k).sum()),
             report.percent(np.mean(predicted[y == k] == k) if (y == k).any() else None)]
            for k in range(dataset.n_classes)]
    print(report.table(["class", "samples", "accuracy"], rows))
    print(f"\n{args.dataset} ({args.part}, {len(X)} samples): accuracy {report.percent(np.mean(predicted == y))}, "
          f"cross-entropy {loss:.4f}")
    return 0


def load_network(path):
    """The network in ``path``, a file of ``glassnet.save(module)``, or a ValueError saying what the file holds."""
    from glassnet.nn.module import Module
    from glassnet.serialization import load as load_model

    model = load_model(path)
    if not isinstance(model, Module):
        raise ValueError(f"{path} holds an estimator, {type(model).__name__}, not a network; these commands "
                         f"read networks saved from a glassnet.nn.Module, so use glassnet.load({str(path)!r}).predict(X) "
                         f"in Python instead")
    return model


def network_inputs(model):
    """Features a sample the network takes (its first weight's columns), or None when it has no weights."""
    weights = [p for p in model.parameters() if p.ndim == 2]
    return weights[0].shape[1] if weights else None


def _outputs(model, X) -> np.ndarray:
    from glassnet.dtypes import get_default_dtype
    from glassnet.grad_mode import no_grad
    from glassnet.tensor import Tensor

    dtype = next((p.dtype for p in model.parameters()), get_default_dtype())
    with no_grad():
        return model(Tensor(np.asarray(X, dtype=dtype))).numpy().astype(np.float64)
