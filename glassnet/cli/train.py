"""``glassnet train DATASET``: train a network, print a summary, keep the model, metrics and pictures."""
from __future__ import annotations

import contextlib
import glob
import json
import os
import shlex
import shutil
import sys

from glassnet.cli import plots, report
from glassnet.cli.arguments import add_training_options
from glassnet.cli.data import checksum, load, prepare
from glassnet.cli.manifest import RUN_FILES, holds_a_run, read_json_file, run_entries
from glassnet.cli.network import fold_standardization
from glassnet.cli.out_folder import check_out_folder, refuse_files_there
from glassnet.cli.presets import resolve
from glassnet.cli.training_run import train_once, with_loss_for

DESCRIPTION = """\
Train a fully connected network on DATASET and keep everything about the run.

DATASET is one of: xor, moons, circles, spirals, gaussians, digits, mnist, fashion-mnist,
or csv:PATH for your own table (with --target COLUMN).

Test data: MNIST's official test set; XOR's four rows; otherwise a stratified, seeded 20%
held out before training. Features of the toy sets, digits and CSV tables are standardized
with the training part's mean and standard deviation. Written to --out: model.npz (takes
raw features: the standardization is folded into its first layer), metrics.json,
manifest.json (configuration, seed, versions, SHA-256 of the data) and pictures.
"""


def add_parser(commands) -> None:
    parser = commands.add_parser("train", help="train a network on a data set", description=DESCRIPTION,
                                 formatter_class=_formatter())
    parser.add_argument("dataset", metavar="DATASET", help="xor, digits, mnist, fashion-mnist, moons, circles, "
                                                           "spirals, gaussians or csv:PATH")
    add_training_options(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--out", metavar="DIR", help="folder for the run (default runs/<dataset>-<YYYYmmdd-HHMMSS>)")
    output.add_argument("--no-progress", action="store_true", help="no progress bar")
    output.add_argument("--no-plots", action="store_true", help="write no pictures")
    output.add_argument("--checkpoint-every", type=int, default=1, metavar="N",
                        help="save the whole training state to DIR/checkpoint every N epochs (default 1)")
    output.add_argument("--resume", action="store_true",
                        help="continue the run in --out DIR from its checkpoint (same options as the first "
                             "time, which is checked); the result is bit-identical to an uninterrupted run")
    output.add_argument("--overwrite", action="store_true",
                        help="replace the run already in --out DIR (its model, metrics, manifest, pictures and "
                             "checkpoint); without it such a folder is refused")
    parser.set_defaults(run=run)


def _formatter():
    import argparse

    return argparse.RawDescriptionHelpFormatter


def default_folder(dataset: str) -> str:
    name = "csv-" + os.path.splitext(os.path.basename(dataset[4:]))[0] if dataset.startswith("csv:") else dataset
    return plots.run_folder(None, name)


RUN_RECORD = "run.json"
"""In the checkpoint folder: the options and data a run started with, which --resume must repeat."""


def _check_out(args) -> None:
    if args.resume and not args.out:
        raise ValueError("--resume needs --out DIR, the folder of the run to continue")
    if args.resume and args.overwrite:
        raise ValueError("--resume continues the run in --out, --overwrite replaces it: give one of them")
    if not args.out:
        return
    check_out_folder(args.out)
    aside = os.path.join(args.out, REPLACED)
    if os.path.isdir(aside) and _aside_state(aside)[0] == "empty":  # its files were moved back: nothing left in it
        _remove_empty_aside(aside)
    if not args.overwrite and os.path.isdir(aside):
        raise ValueError(_stopped_overwrite_advice(args.out, aside))
    if args.resume or args.overwrite:
        return
    written = run_entries(args.out, pictures=not args.no_plots)
    if "manifest.json" in written:
        raise ValueError(f"--out {args.out} already holds a finished run; replace it with --overwrite, or "
                         f"choose another folder")
    if "checkpoint" in written:
        raise ValueError(f"--out {args.out} already holds a run; continue it with --resume, replace it with "
                         f"--overwrite, or choose another folder")
    refuse_files_there(args.out, written)


REPLACED = ".replaced-run"
"""Where --overwrite keeps the earlier run's files until the new run is saved (put back if it fails)."""

ALL_SET_ASIDE = ".all-set-aside"
"""Made in ``.replaced-run`` once every file of the earlier run is in it: from then on, what lies beside
``.replaced-run`` is the new run's. Without it, what lies beside is the rest of the earlier run."""


def _remove_run_entries(folder) -> None:
    for name in run_entries(folder):
        path = os.path.join(folder, name)
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)


def _mark_all_set_aside(aside: str, names: list) -> None:
    """The mark, listing what was set aside: a name missing later was moved out by hand."""
    with open(os.path.join(aside, ALL_SET_ASIDE), "w", encoding="utf-8") as file:
        file.write("".join(name + "\n" for name in names))
        file.flush()
        os.fsync(file.fileno())


def _aside_state(aside: str) -> tuple:
    """What a ``.replaced-run`` left by a stopped --overwrite holds, as (state, names missing from it):
    'empty' (nothing of the earlier run: its files were moved back), 'complete' (marked, and every name
    the mark lists is there), 'depleted' (marked, but some were moved out) or 'partial' (a half move)."""
    held = [name for name in os.listdir(aside) if name != ALL_SET_ASIDE]
    if not held:
        return "empty", []
    mark = os.path.join(aside, ALL_SET_ASIDE)
    if not os.path.exists(mark):
        return "partial", []
    with open(mark, encoding="utf-8") as file:
        missing = [name for name in file.read().split("\n") if name and name not in held]
    return ("depleted" if missing else "complete"), missing


def _stopped_overwrite_advice(folder: str, aside: str) -> str:
    """What a command refused because of a stopped --overwrite tells the user, for the state it left."""
    state, missing = _aside_state(aside)
    start = f"an --overwrite of {folder} was stopped before it finished"
    if state == "partial":  # stopped while setting aside: what lies beside is the rest of the earlier run
        return (f"{start}, while it moved the earlier run into {aside}: repeat the --overwrite command to replace "
                f"it, or keep it by moving the files of {aside} back into {folder} (the then empty {REPLACED} is "
                f"removed by the next command)")
    if state == "depleted":
        return (f"{start}, and {', '.join(missing)} have been moved out of {aside} since: keep the run you want in "
                f"{folder}, then delete {aside}")
    beside = run_entries(folder)
    return (f"{start} and left the earlier run in {aside}: repeat the --overwrite command to replace it, or keep "
            f"it by deleting what the stopped run wrote beside it ({', '.join(beside) or 'nothing'}) and moving "
            f"the files of {aside} back into {folder} (the then empty {REPLACED} is removed by the next command)")


def _remove_empty_aside(aside: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(aside, ALL_SET_ASIDE))
    os.rmdir(aside)


def _remove_unfinished_writes(folder) -> None:
    """Delete the temporary files of writes a kill stopped (``.tmp-model.npz-…``): never the only copy of
    anything, since a file is replaced only once its temporary is complete."""
    for name in (*RUN_FILES, *plots.TRAINING_PICTURES):
        for leftover in glob.glob(os.path.join(glob.escape(folder), f".tmp-{glob.escape(name)}-*")):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)


def _set_aside(folder) -> str:
    """Move the files an earlier run left in ``folder`` into ``folder/.replaced-run``; return that folder.

    Safe to stop at any point: a move stopped by an exception is undone here, and one stopped by a kill
    is finished by the next --overwrite. A ``.replaced-run`` that is already there was left by an
    --overwrite that was stopped: with its mark, what lies beside it is the stopped new run's, which goes;
    without, it is the rest of the earlier run, moved in now. A name in both places is refused.
    """
    aside = os.path.join(folder, REPLACED)
    _remove_unfinished_writes(folder)
    state, missing = _aside_state(aside) if os.path.isdir(aside) else ("none", [])
    if state == "empty":  # its files were moved back into the folder by hand: set aside afresh
        _remove_empty_aside(aside)
    elif state == "complete":
        _remove_run_entries(folder)
        return aside
    elif state == "depleted":
        raise ValueError(f"--overwrite: {aside} no longer holds all of the earlier run ({', '.join(missing)} "
                         f"moved out of it), so what lies beside it cannot be told apart; keep the run you want "
                         f"in {folder}, delete {aside}, and repeat the command")
    if state == "partial":
        both = [name for name in run_entries(folder) if os.path.lexists(os.path.join(aside, name))]
        if both:
            raise ValueError(f"--overwrite: an earlier --overwrite of {folder} was stopped while it moved the "
                             f"earlier run into {aside}, and {', '.join(both)} is both there and in {folder}; "
                             f"keep the copy you want in {folder}, delete {aside}, and repeat the command")
    else:
        os.makedirs(aside)
    moved = []
    try:
        for name in run_entries(folder):
            os.replace(os.path.join(folder, name), os.path.join(aside, name))
            moved.append(name)
        _mark_all_set_aside(aside, [name for name in os.listdir(aside) if name != ALL_SET_ASIDE])
    except BaseException:
        for name in reversed(moved):
            os.replace(os.path.join(aside, name), os.path.join(folder, name))
        if not os.listdir(aside):
            os.rmdir(aside)
        raise
    return aside


def _put_back(folder, aside: str) -> None:
    """Undo :func:`_set_aside`: the new run's files go, the earlier run's come back.

    The mark goes after the new run's files and before the earlier run's first file moves back, so a
    kill at any point leaves a state the next --overwrite reads right."""
    _remove_run_entries(folder)
    os.remove(os.path.join(aside, ALL_SET_ASIDE))
    for name in os.listdir(aside):
        os.replace(os.path.join(aside, name), os.path.join(folder, name))
    os.rmdir(aside)


def _drop_set_aside(folder, aside: str) -> None:
    """The new run is saved: the earlier run's files go (renamed first, so a kill leaves no .replaced-run)."""
    discarded = os.path.join(folder, DISCARDED)
    if os.path.isdir(discarded):
        shutil.rmtree(discarded)
    os.replace(aside, discarded)
    shutil.rmtree(discarded)


DISCARDED = ".replaced-run-discarded"
"""What ``.replaced-run`` is renamed to once the new run is saved, just before it is deleted."""


def _option_text(value) -> str:
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else "unset" if value is None else str(value)


def _option_change(key: str, now, then) -> str:
    """How an option differs from the run's, in the option's own spelling (the dtype is --float64's)."""
    if key == "dtype":
        return f"{'--float64' if now == 'float64' else 'no --float64'} (the run has {then})"
    return f"--{key.replace('_', '-')} {_option_text(now)} (the run has {_option_text(then)})"


def _read_run_record(path: str) -> dict:
    """What run.json recorded, or a one-line ValueError naming the file and the entry that is wrong."""
    record = read_json_file(path, "it records the options the run started with: restore it, or start afresh "
                                  "with --overwrite")
    if not isinstance(record, dict):
        raise ValueError(f"--resume: {path} should hold a JSON object with 'config' and 'data', got "
                         f"{type(record).__name__}; restore it, or start afresh with --overwrite")
    for key, kind, expected in (("config", dict, "an object of options"), ("data", str, "a SHA-256 (text)")):
        if not isinstance(record.get(key), kind):
            raise ValueError(f"--resume: {path}: '{key}' should be {expected}, got {record.get(key)!r:.60}; "
                             f"restore it, or start afresh with --overwrite")
    return record


def _check_same_run(record_path: str, started: dict) -> None:
    """Refuse a --resume whose options or data differ from those the run started with."""
    before = _read_run_record(record_path)
    differ = [key for key in sorted(set(before["config"]) | set(started["config"]))
              if before["config"].get(key) != started["config"].get(key)]
    changes = [_option_change(key, started["config"].get(key), before["config"].get(key)) for key in differ]
    if before["data"] != started["data"]:
        changes.append(f"the data (SHA-256 {started['data'][:12]}..., the run's {before['data'][:12]}...)")
    if changes:
        raise ValueError(f"--resume: the run in {os.path.dirname(os.path.dirname(record_path)) or '.'} was started "
                         f"with other options: {'; '.join(changes)}; give the same options as the first time")


def run(args) -> int:
    if args.checkpoint_every < 1:
        raise ValueError(f"--checkpoint-every must be a positive integer, got {args.checkpoint_every}")
    _check_out(args)
    config = resolve(args, args.dataset)
    dtype = "float64" if args.float64 else "float32"
    dataset = load(args.dataset, args, dtype)
    data = prepare(dataset, args.test_size, args.seed, config["preprocess"], dtype)
    config = with_loss_for(config, data, args.loss)  # before the banner and the manifest say which loss
    started = {"config": json.loads(json.dumps(run_config(args, config, dtype))), "data": checksum(dataset)}
    folder = args.out or default_folder(args.dataset)
    checkpoint = os.path.join(folder, "checkpoint")
    record = os.path.join(checkpoint, RUN_RECORD)
    replacing = args.overwrite and args.out and (holds_a_run(args.out) or os.path.isdir(os.path.join(args.out, REPLACED)))
    aside = _set_aside(args.out) if replacing else None
    if os.path.isdir(os.path.join(folder, DISCARDED)):  # a kill while the last --overwrite deleted the run it replaced
        shutil.rmtree(os.path.join(folder, DISCARDED))
    try:
        _train_and_keep(args, config, dtype, dataset, data, started, folder, checkpoint, record)
    except BaseException:
        if aside is not None:  # the new run did not finish: the earlier one is put back as it was
            _put_back(args.out, aside)
            print(f"the earlier run in {shlex.quote(args.out)} is kept as it was", file=sys.stderr)
        raise
    if aside is not None:
        _drop_set_aside(args.out, aside)
    return 0


def _train_and_keep(args, config, dtype, dataset, data, started, folder, checkpoint, record) -> None:
    """Train as the options say and keep the run in ``folder``: model, metrics, manifest and pictures."""
    if args.resume and os.path.isfile(record):
        _check_same_run(record, started)
        if os.path.isfile(os.path.join(folder, "manifest.json")):
            print(f"the run in {shlex.quote(folder)} had finished and is kept as it was (see its manifest.json "
                  f"and metrics.json); nothing to resume")
            return
    else:  # a fresh run, or a --resume with nothing recorded yet (it starts afresh, or continues an older checkpoint)
        os.makedirs(checkpoint, exist_ok=True)
        report.write_json(record, started)
    draw = not args.no_plots and plots.available()
    callbacks = plots.recorders(data, config["epochs"]) if draw else []
    print(f"glassnet train {args.dataset}: {len(data.X_train)} training and {len(data.X_test)} test samples "
          f"({data.split}); network {data.X_train.shape[1]}-{'-'.join(map(str, config['hidden']))}-"
          f"{data.n_classes or 1} {config['activation']}, {config['loss']}, {config['optimizer']} lr {config['lr']:g}")
    try:
        result = train_once(config, data, seed=args.seed, dtype=dtype, progress=not args.no_progress,
                            callbacks=callbacks, checkpoint=checkpoint, checkpoint_every=args.checkpoint_every,
                            resume=args.resume)
    except KeyboardInterrupt:
        if os.path.isdir(os.path.join(folder, REPLACED)):
            print("interrupted: the run that was replacing the earlier one is dropped", file=sys.stderr)
        elif not os.path.isfile(os.path.join(checkpoint, "checkpoint.npz")):
            print("interrupted before the first epoch finished: nothing was saved", file=sys.stderr)
        else:
            again = "--resume" if args.out else f"--out {shlex.quote(folder)} --resume"
            print(f"interrupted: the last finished epoch is saved in {shlex.quote(checkpoint + os.sep)}; "
                  f"continue with the same command plus {again}", file=sys.stderr)
        raise
    saved = result.model if data.standardizer is None else fold_standardization(
        result.model, data.standardizer.mean_, data.standardizer.scale_)

    from glassnet.serialization import save

    os.makedirs(folder, exist_ok=True)
    save(saved, os.path.join(folder, "model.npz"))
    epochs = len(result.history.epoch)
    metrics = {"train": result.train_scores, "test": result.test_scores, "epochs": epochs,
               "seconds": result.seconds, "stop_reason": result.history.stop_reason,
               "history": result.history.history, "history_note": "val_* keys are the test set (or, with "
               "--patience, the validation part split off the training data)"}
    report.write_json(os.path.join(folder, "metrics.json"), metrics)
    report.write_json(os.path.join(folder, "manifest.json"), manifest(args, config, dtype, dataset, data))
    pictures = []
    if draw:
        pictures = plots.draw_training(folder, data, result, saved, callbacks)
    print_summary(result, epochs)
    print(f"saved to {os.path.join(folder, '')}: model.npz, metrics.json, manifest.json" + "".join(f", {p}" for p in pictures))
    if not args.no_plots and not draw:
        print(plots.missing_notice("pictures"))


def print_summary(result, epochs: int) -> None:
    rows = [[part, report.number(scores["loss"]), report.percent(scores.get("accuracy"))]
            for part, scores in (("train", result.train_scores), ("test", result.test_scores))]
    print()
    print(report.table(["", "loss", "accuracy"], rows))
    print(f"{epochs} epochs in {result.seconds:.1f} s; stopped: {result.history.stop_reason}")


def run_config(args, config, dtype) -> dict:
    """The resolved options of a run: what the manifest records and --resume must repeat."""
    return {**config, "dtype": dtype, "seed": args.seed, "test_size": args.test_size,
            "samples": args.samples, "noise": args.noise, "target": args.target, "task": args.task}


def manifest(args, config, dtype, dataset, data) -> dict:
    """Everything needed to run the same training again and get the same numbers."""
    standardizer = data.standardizer
    return {
        "command": ["glassnet", *args.argv] if getattr(args, "argv", None) is not None else None,
        "dataset": {"name": args.dataset, "n_samples": len(dataset), "n_features": dataset.n_features,
                    "n_classes": dataset.n_classes, "class_names": dataset.class_names,
                    "sha256_X_y": checksum(dataset),
                    "test_sha256_X_y": checksum(dataset.test) if dataset.test is not None else None},
        "split": {"description": data.split, "test_size": args.test_size, "n_train": len(data.X_train),
                  "n_test": len(data.X_test)},
        "preprocessing": {"kind": config["preprocess"],
                          "mean": None if standardizer is None else standardizer.mean_,
                          "scale": None if standardizer is None else standardizer.scale_,
                          "folded_into_model": standardizer is not None},
        "config": run_config(args, config, dtype),
        "seed": args.seed,
        "versions": report.versions(),
    }
