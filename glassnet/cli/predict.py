"""``glassnet predict MODEL INPUT``: the model's answer for new rows."""
from __future__ import annotations

import os

import numpy as np

from glassnet.datasets.csv_table import plain_number


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "predict", help="predict the class of new rows with a saved model",
        description="INPUT is a CSV file of feature rows (a header row is skipped), a .npy array, or one row "
                    "written as comma-separated numbers, e.g. '0,1' (put -- before a row that starts with a minus sign: -- -2,0.5). Class names come from the "
                    "manifest.json beside MODEL when there is one.")
    parser.add_argument("model", metavar="MODEL")
    parser.add_argument("input", metavar="INPUT")
    parser.set_defaults(run=run)


def read_rows(text: str) -> np.ndarray:
    """The rows INPUT stands for, as a 2-D float array."""
    if os.path.isfile(text):
        if text.endswith(".npy"):
            rows = _npy_rows(text)
        else:
            rows = _csv_rows(text)
    elif text.endswith((".csv", ".npy", ".txt")):
        raise FileNotFoundError(f"no file at {text!r}")
    else:
        try:
            rows = np.array([[plain_number(cell) for cell in text.split(",")]])
        except ValueError:
            raise ValueError(f"INPUT {text!r} is neither a file nor comma-separated numbers such as '0.5,1'") from None
    rows = np.asarray(rows, dtype=np.float64)
    if rows.size == 0:
        raise ValueError(f"INPUT {text!r} holds no rows (an array of shape {rows.shape}); give at least one row")
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    if rows.ndim != 2 or not np.isfinite(rows).all():
        raise ValueError(f"INPUT {text!r} must hold finite numbers in rows, got an array of shape {rows.shape}"
                         + ("" if rows.ndim != 2 else " with a value that is not finite"))
    return rows


def _npy_rows(path: str) -> np.ndarray:
    """The array in a .npy file, refused in one line naming the file unless it holds real numbers."""
    try:
        rows = np.load(path, allow_pickle=False)
    except ValueError as error:
        if "Object arrays" in str(error):  # NumPy's messages would suggest the unsafe way to load it
            raise ValueError(f"INPUT {path}: it holds Python objects (an object array), which glassnet does not "
                             f"load; save the rows as a numeric array (e.g. X.astype(float))") from None
        if "pickle" in str(error):
            raise ValueError(f"INPUT {path}: not a .npy array (it does not start with NumPy's header, and glassnet "
                             f"never loads pickles); save the rows with numpy.save") from None
        raise ValueError(f"INPUT {path}: not a .npy array glassnet can read ({error})") from None
    except (OSError, EOFError) as error:
        raise ValueError(f"INPUT {path}: not a .npy array glassnet can read ({error or 'it ends too soon'})") from None
    if not isinstance(rows, np.ndarray):
        rows.close()
        raise ValueError(f"INPUT {path}: expected one array (.npy), got a .npz archive; give one of its arrays")
    if rows.dtype.kind not in "iuf":
        raise ValueError(f"INPUT {path}: expected real numbers (float or integer), got an array of {rows.dtype} "
                         f"({'complex numbers' if rows.dtype.kind == 'c' else 'not numbers'})")
    return rows


def _csv_rows(path: str) -> np.ndarray:
    import csv

    with open(path, newline="", encoding="utf-8-sig") as file:
        lines = [row for row in csv.reader(file) if row and any(cell.strip() for cell in row)]
    rows = []
    for number, row in enumerate(lines, start=1):
        try:
            rows.append([plain_number(cell) for cell in row])
        except ValueError:
            if number == 1:
                continue  # a header
            raise ValueError(f"{path}: row {number} holds a cell that is not a number: {row}") from None
    if not rows:
        raise ValueError(f"{path} holds no rows of numbers")
    if len({len(row) for row in rows}) != 1:
        raise ValueError(f"{path}: rows have different numbers of cells")
    return np.array(rows)


def _class_names(model_path: str):
    from glassnet.cli.manifest import manifest_beside, recorded

    return recorded(manifest_beside(model_path), "dataset", "class_names")


def run(args) -> int:
    from glassnet.cli.evaluate import _outputs, load_network, network_inputs

    model = load_network(args.model)
    rows = read_rows(args.input)
    n_inputs = network_inputs(model)
    if n_inputs is not None and rows.shape[1] != n_inputs:
        raise ValueError(f"the model takes {n_inputs} features per row, INPUT has {rows.shape[1]}")
    outputs = _outputs(model, rows)
    if outputs.shape[1] == 1:
        for output in outputs[:, 0]:
            print(f"{output:.6g}")
        return 0
    names = _class_names(args.model)
    shifted = outputs - outputs.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    for row in probabilities:
        best = int(row.argmax())
        label = names[best] if names and len(names) == len(row) else str(best)
        shown = " ".join(f"{p:.3f}" for p in row)
        print(f"{label}\t(probability {row[best]:.3f}; all classes: {shown})")
    return 0
