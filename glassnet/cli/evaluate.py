"""``glassnet evaluate MODEL DATASET``: score a saved model on a data set."""
from __future__ import annotations

import numpy as np

from glassnet.cli import report
from glassnet.cli.arguments import TASKS, fraction, noise_level, non_negative_int, positive_int


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "evaluate", help="score a saved model on a data set",
        description="Load MODEL (a model.npz written by 'glassnet train') and report its loss and accuracy on "
                    "DATASET. --part test rebuilds the same held-out split as training did: --seed, --test-size, "
                    "--target, --samples and --noise default to what the manifest.json beside MODEL records "
                    "for the same data set (else 0, 0.2 and the data set's defaults), and class labels are "
                    "numbered as the model's. 'all' uses every row, official test set included. The model "
                    "takes raw features.")
    parser.add_argument("model", metavar="MODEL", help="a .npz file from glassnet.save / glassnet train")
    parser.add_argument("dataset", metavar="DATASET", help="data set name or csv:PATH")
    parser.add_argument("--part", choices=("test", "train", "all"), default="test", help="default test")
    parser.add_argument("--seed", type=non_negative_int, help="the seed used for training (default: the manifest's, else 0)")
    parser.add_argument("--test-size", type=fraction, help="default: the manifest's, else 0.2")
    parser.add_argument("--target", help="csv:PATH only: the target column (default: the manifest's, else the last)")
    parser.add_argument("--task", choices=TASKS, help="csv:PATH only: what the target is (default: the manifest's, else auto)")
    parser.add_argument("--samples", type=positive_int, help="toy 2-D sets: number of points used for training")
    parser.add_argument("--noise", type=noise_level, help="toy 2-D sets: noise used for training")
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--data-dir")
    parser.set_defaults(run=run)


def _fill(args, manifest, options, use_manifest: bool) -> None:
    from glassnet.cli.manifest import recorded

    for option, default in options:
        if getattr(args, option) is None:
            value = recorded(manifest, "config", option) if use_manifest else None
            setattr(args, option, default if value is None else value)


def _load_as_trained(args, manifest, dtype):
    """The data set read in ``dtype`` (the model's), with the options left out taken from the run's manifest:
    how the table is read (--target, --task) for any csv:PATH when the run was on one; the split (--seed,
    --test-size) and a generated set's --samples and --noise when it is the run's data, by name or by its
    SHA-256 (which does not depend on the dtype)."""
    from glassnet.cli.data import checksum, load
    from glassnet.cli.manifest import recorded

    trained_on = recorded(manifest, "dataset", "name")
    trained_on = trained_on or ""
    split_options = (("seed", 0), ("test_size", 0.2))  # the seed also draws a generated set
    if trained_on == args.dataset:
        _fill(args, manifest, (*split_options, ("target", None), ("task", None), ("samples", None), ("noise", None)), True)
        return load(args.dataset, args, dtype)
    _fill(args, manifest, (("target", None), ("task", None), ("samples", None), ("noise", None)),
          trained_on.startswith("csv:") and args.dataset.startswith("csv:"))
    if args.seed is None and not args.dataset.startswith("csv:"):
        args.seed = 0  # a generated set is drawn before its checksum can be compared
    dataset = load(args.dataset, args, dtype)
    _fill(args, manifest, split_options, recorded(manifest, "dataset", "sha256_X_y") == checksum(dataset))
    return dataset


def _model_labels(y, dataset, names, where: str):
    """The labels ``y`` of ``dataset`` renumbered as the model's classes ``names`` (from its manifest)."""
    if not names or not dataset.class_names or list(dataset.class_names) == list(names):
        return y, dataset.n_classes, dataset.class_names
    index = {str(name): k for k, name in enumerate(names)}
    unknown = [name for name in dataset.class_names if str(name) not in index]
    if unknown:
        raise ValueError(f"{where}: label {unknown[0]!r} is not one of the model's classes "
                         f"({', '.join(map(repr, names))}, from its manifest.json)")
    renumber = np.array([index[str(name)] for name in dataset.class_names])
    return renumber[y], len(names), list(names)


def run(args) -> int:
    from glassnet.cli.data import split
    from glassnet.cli.manifest import manifest_beside, recorded
    from glassnet.cli.plots import predict_classes

    model = load_network(args.model)
    manifest = manifest_beside(args.model)
    dataset = _load_as_trained(args, manifest, model_dtype(model))
    if args.part == "all":
        X, y = dataset.X, dataset.y
        if dataset.test is not None:  # MNIST's official test set is part of every row too
            X, y = np.concatenate([X, dataset.test.X]), np.concatenate([y, dataset.test.y])
    else:
        X_train, X_test, y_train, y_test, _ = split(dataset, args.test_size, args.seed)
        X, y = (X_test, y_test) if args.part == "test" else (X_train, y_train)
    n_inputs = network_inputs(model)
    if n_inputs is not None and X.shape[1] != n_inputs:
        raise ValueError(f"the model takes {n_inputs} features but {args.dataset} has {X.shape[1]}")
    outputs = _outputs(model, X)
    if dataset.n_classes is None:
        if outputs.ndim != 2 or outputs.shape[1] != 1:
            raise ValueError(f"the model gives {outputs.shape[1]} outputs a sample (a classifier), but {args.dataset} "
                             f"has a real-valued target (regression): it was not trained for it"
                             + ("; is --target the column it was trained on?" if args.dataset.startswith("csv:") else ""))
        print(f"{args.dataset} ({args.part}, {len(X)} samples): mean squared error "
              f"{np.mean((outputs.reshape(-1) - y) ** 2):.4f}")
        return 0
    logits = outputs
    if logits.ndim == 2 and logits.shape[1] >= dataset.n_classes:  # a part of the model's classes is fine
        y, n_classes, class_names = _model_labels(y, dataset, recorded(manifest, "dataset", "class_names"), args.dataset)
    else:
        n_classes, class_names = dataset.n_classes, dataset.class_names
    if logits.ndim != 2 or logits.shape[1] != n_classes:
        raise ValueError(f"the model gives {logits.shape[1] if logits.ndim == 2 else 1} outputs a sample, "
                         f"but {args.dataset} has {n_classes} classes: it was not trained for them")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_probabilities[np.arange(len(y)), y])
    predicted = predict_classes(model, X)
    rows = [[class_names[k] if class_names else k, int((y == k).sum()),
             report.percent(np.mean(predicted[y == k] == k) if (y == k).any() else None)]
            for k in range(n_classes)]
    print(report.table(["class", "samples", "accuracy"], rows))
    print(f"\n{args.dataset} ({args.part}, {len(X)} samples): accuracy {report.percent(np.mean(predicted == y))}, "
          f"cross-entropy {loss:.4f}")
    return 0


def load_network(path):
    """The network in ``path``, a file of ``glassnet.save(module)``, in eval mode, or a ValueError saying what the file holds."""
    from glassnet.nn.module import Module
    from glassnet.serialization import load as load_model

    model = load_model(path)
    if not isinstance(model, Module):
        raise ValueError(f"{path} holds an estimator, {type(model).__name__}, not a network; these commands "
                         f"read networks saved from a glassnet.nn.Module, so use glassnet.load({str(path)!r}).predict(X) "
                         f"in Python instead")
    return model.eval()  # these commands only predict: dropout off


def network_inputs(model):
    """Features a sample the network takes (its first weight's columns), or None when it has no weights."""
    weights = [p for p in model.parameters() if p.ndim == 2]
    return weights[0].shape[1] if weights else None


def model_dtype(model) -> np.dtype:
    """The dtype of the network's parameters (glassnet's default for one without any): the data is read in it."""
    from glassnet.dtypes import get_default_dtype

    return next((p.dtype for p in model.parameters()), get_default_dtype())


def _outputs(model, X) -> np.ndarray:
    from glassnet.grad_mode import no_grad
    from glassnet.tensor import Tensor

    with no_grad():
        return model(Tensor(np.asarray(X, dtype=model_dtype(model)))).numpy().astype(np.float64)
