"""glassnet.save / glassnet.load: round trips, refusal of damaged or foreign files, atomic writes."""
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.serialization import DIGEST_KEY, META_KEY

ROOT = Path(__file__).resolve().parents[1]


def every_module(dtype):
    return nn.Sequential(nn.Linear(4, 6, dtype=dtype, generator=0), nn.ReLU(), nn.Linear(6, 6, dtype=dtype, generator=1),
                         nn.LeakyReLU(0.2), nn.Linear(6, 5, bias=False, dtype=dtype, generator=2), nn.Sigmoid(), nn.Tanh(),
                         nn.GELU("tanh"), nn.GELU(), nn.Sequential(nn.Linear(5, 3, dtype=dtype, generator=3), nn.Softmax(dim=1)),
                         nn.LogSoftmax(dim=-1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_module_round_trips_with_identical_outputs(tmp_path, dtype):
    model = every_module(dtype)
    glassnet.save(model, tmp_path / "model.npz")
    loaded = glassnet.load(tmp_path / "model.npz")
    assert repr(loaded) == repr(model)
    x = glassnet.tensor(np.random.default_rng(0).normal(size=(7, 4)), dtype=dtype)
    np.testing.assert_array_equal(loaded(x).data, model(x).data)
    for loss in (nn.MSELoss("sum"), nn.CrossEntropyLoss(), nn.BCELoss(reduction="none"), nn.BCEWithLogitsLoss()):
        glassnet.save(loss, tmp_path / "loss.npz")
        assert repr(glassnet.load(tmp_path / "loss.npz")) == repr(loss)


def test_a_sequential_with_dropout_identity_and_flatten_round_trips(tmp_path):
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 8, generator=0), nn.ReLU(), nn.Dropout(0.3), nn.Identity(),
                          nn.Linear(8, 3, generator=1), nn.Dropout(p=0.1, generator=5), nn.Flatten(0, -1))
    glassnet.save(model, tmp_path / "model.npz")
    loaded = glassnet.load(tmp_path / "model.npz")
    assert repr(loaded) == repr(model)
    assert [layer.p for layer in loaded if isinstance(layer, nn.Dropout)] == [0.3, 0.1]
    x = glassnet.tensor(np.random.default_rng(0).normal(size=(5, 3, 4)))
    model.eval()
    loaded.eval()
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    assert loaded(x).shape == (15,)
    for loss in (nn.L1Loss("sum"), nn.NLLLoss(weight=[1.0, 2.0, 0.5], ignore_index=1)):
        glassnet.save(loss, tmp_path / "loss.npz")
        assert repr(glassnet.load(tmp_path / "loss.npz")) == repr(loss)


def test_a_module_list_round_trips_through_a_file(tmp_path):
    layers = nn.ModuleList([nn.Linear(2, 3, generator=0), nn.Tanh(), nn.Linear(3, 1, generator=1)])
    glassnet.save(layers, tmp_path / "layers.npz")
    loaded = glassnet.load(tmp_path / "layers.npz")
    assert isinstance(loaded, nn.ModuleList) and repr(loaded) == repr(layers)
    for name, value in layers.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[name], value)


def _estimators():
    from sklearn.datasets import make_classification, make_multilabel_classification, make_regression

    X, y = make_classification(50, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0)
    Xm, Ym = make_multilabel_classification(40, 4, n_classes=3, random_state=0)
    Xr, yr = make_regression(40, 4, n_targets=2, random_state=0)
    for solver in ("adam", "sgd", "rmsprop"):
        yield glassnet.MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=4, random_state=0), X, np.array(["ant", "bee", "cat"], dtype=object)[y]
    yield glassnet.MLPClassifier(hidden_layer_sizes=(5,), dtype="float64", max_iter=4, random_state=0), X, y == 2
    yield glassnet.MLPClassifier(hidden_layer_sizes=(5, 4), activation="tanh", max_iter=4, random_state=0), Xm, Ym
    yield glassnet.MLPRegressor(hidden_layer_sizes=(5,), solver="sgd", learning_rate="invscaling", max_iter=4, random_state=0), Xr, yr / 100


def test_estimators_round_trip_and_keep_training_identically(tmp_path):
    for estimator, X, y in _estimators():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator.fit(X, y)
            glassnet.save(estimator, tmp_path / "estimator.npz")
            loaded = glassnet.load(tmp_path / "estimator.npz")
            assert type(loaded) is type(estimator) and loaded.get_params() == estimator.get_params()
            predict = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
            np.testing.assert_array_equal(getattr(loaded, predict)(X), getattr(estimator, predict)(X))
            np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))
            assert loaded.loss_curve_ == estimator.loss_curve_ and loaded.t_ == estimator.t_
            if hasattr(estimator, "classes_"):
                np.testing.assert_array_equal(loaded.classes_, estimator.classes_)
                assert loaded.classes_.dtype == estimator.classes_.dtype
            estimator.partial_fit(X, y)  # the optimizer state (e.g. Adam's moments) came back too
            loaded.partial_fit(X, y)
            np.testing.assert_array_equal(getattr(loaded, predict)(X), getattr(estimator, predict)(X))


def test_unfitted_estimator_round_trips(tmp_path):
    estimator = glassnet.MLPRegressor(hidden_layer_sizes=(3, 2), alpha=0.5)
    glassnet.save(estimator, tmp_path / "e.npz")
    assert glassnet.load(tmp_path / "e.npz").get_params() == estimator.get_params()


# ---------------------------------------------------------------- damaged files
@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    glassnet.save(every_module("float32"), path)
    return path


def test_truncated_files_are_refused(saved, tmp_path):
    data = saved.read_bytes()
    for length in np.linspace(0, len(data) - 1, 25).astype(int):
        cut = tmp_path / f"cut{length}.npz"
        cut.write_bytes(data[:length])
        with pytest.raises(glassnet.ModelFileError):
            glassnet.load(cut)


def test_flipped_bits_never_load_silently(saved, tmp_path):
    """Every flip is either refused or (in zip bookkeeping that holds no content) harmless."""
    data = bytearray(saved.read_bytes())
    x = glassnet.tensor(np.ones((2, 4), dtype=np.float32))
    expected = glassnet.load(saved)(x).data
    refused = 0
    for position in np.random.default_rng(0).choice(len(data) * 8, size=150, replace=False):
        flipped = bytearray(data)
        flipped[position // 8] ^= 1 << (position % 8)
        path = tmp_path / "flipped.npz"
        path.write_bytes(bytes(flipped))
        try:
            model = glassnet.load(path)
        except glassnet.ModelFileError:
            refused += 1
            continue
        np.testing.assert_array_equal(model(x).data, expected)
    assert refused > 100


def _rewrite(path, change):
    """Change the metadata/arrays of a glassnet file while keeping it a valid zip."""
    with np.load(path) as archive:
        entries = {name: archive[name] for name in archive.files}
    change(entries)
    buffer = io.BytesIO()
    np.savez(buffer, **entries)
    path.write_bytes(buffer.getvalue())


def test_a_changed_array_or_metadata_fails_its_checksum(saved):
    def scale_weight(entries):
        entries["0.weight"] = entries["0.weight"] * 2
    _rewrite(saved, scale_weight)
    with pytest.raises(glassnet.ModelFileError, match="array '0.weight' does not match its SHA-256"):
        glassnet.load(saved)

    def edit_meta(entries):
        meta = json.loads(entries[META_KEY].tobytes())
        meta["module"]["children"]["3"]["config"]["negative_slope"] = 0.3
        entries[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    _rewrite(saved, edit_meta)
    with pytest.raises(glassnet.ModelFileError, match="SHA-256 of its metadata"):
        glassnet.load(saved)


class _Exploit:
    """Unpickling this would create a marker file; glassnet must never do it."""

    marker = None

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_foreign_and_pickle_bearing_files_are_refused(tmp_path):
    marker = tmp_path / "pwned"
    _Exploit.marker = str(marker)
    payload = pickle.dumps(_Exploit())
    files = {}
    files["plain.npz"] = lambda p: np.savez(p, weight=np.ones(3))
    files["object.npz"] = lambda p: np.savez(p, **{META_KEY: np.array([_Exploit()], dtype=object)})
    files["text.zip"] = lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "hello")
    files["random.npz"] = lambda p: p.write_bytes(np.random.default_rng(0).bytes(4096))
    files["model.json"] = lambda p: p.write_text(json.dumps({"format": "glassnet-model", "format_version": 2}))
    files["array.npy"] = lambda p: np.save(p, np.ones(3))
    files["pickle.pkl"] = lambda p: p.write_bytes(payload)
    files["empty.npz"] = lambda p: p.write_bytes(b"")

    def raw_pickle_member(p):
        with zipfile.ZipFile(p, "w") as archive:
            archive.writestr(META_KEY + ".npy", payload)
            archive.writestr(DIGEST_KEY + ".npy", payload)
    files["raw_pickle_member.npz"] = raw_pickle_member

    def pickled_array_member(p):
        glassnet.save(nn.Linear(2, 2), p)
        _rewrite(p, lambda entries: entries.update({"0.weight": np.array([_Exploit()], dtype=object)}))
    files["pickled_array_member.npz"] = pickled_array_member

    for name, make in files.items():
        path = tmp_path / name
        make(path)
        with pytest.raises(glassnet.ModelFileError) as error:
            glassnet.load(path)
        assert str(path) in str(error.value), name
    assert not marker.exists(), "a pickle was executed"


def test_a_model_file_cut_short_is_called_truncated(tmp_path):
    path = tmp_path / "model.npz"
    glassnet.save(nn.Linear(2, 2), path)
    path.write_bytes(path.read_bytes()[:-1])  # an interrupted copy
    with pytest.raises(glassnet.ModelFileError, match="is a zip archive that is truncated or corrupted"):
        glassnet.load(path)


def _version_1_file(path, model):
    """A file as glassnet wrote it before checksums (format version 1), built by hand."""
    from glassnet.serialization import module_spec

    meta = {"format": "glassnet-model", "format_version": 1, "glassnet_version": "0.1.0", "module": module_spec(model)}
    np.savez(path, **{META_KEY: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}, **model.state_dict())


def test_older_format_versions_are_upgraded_or_refused_with_the_reason(tmp_path):
    model = every_module("float64")
    _version_1_file(tmp_path / "v1.npz", model)
    loaded = glassnet.load(tmp_path / "v1.npz")
    x = glassnet.tensor(np.ones((2, 4)), dtype="float64")
    np.testing.assert_array_equal(loaded(x).data, model(x).data)
    for version, reason in [(0, "no upgrade path"), (99, "upgrade glassnet to open it")]:
        meta = {"format": "glassnet-model", "format_version": version, "module": {"type": "ReLU"}}
        np.savez(tmp_path / "other.npz", **{META_KEY: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)})
        with pytest.raises(glassnet.ModelFileError, match=reason):
            glassnet.load(tmp_path / "other.npz")


def test_save_refuses_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match="expected a glassnet.nn.Module or a glassnet estimator"):
        glassnet.save({"weight": np.ones(2)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="save: path must be a file path"):
        glassnet.save(nn.Linear(1, 1), 42)
    with pytest.raises(FileNotFoundError, match="no file at"):
        glassnet.load(tmp_path / "missing.npz")


# ---------------------------------------------------------------- atomic writes
WRITER = """
import sys, numpy as np, glassnet
from glassnet import nn
path = sys.argv[1]
model = nn.Sequential(nn.Linear(700, 700, dtype="float64"), nn.ReLU(), nn.Linear(700, 300, dtype="float64"))
version = 0
while True:
    version += 1
    for parameter in model.parameters():
        parameter.data[...] = version
    glassnet.save(model, path)
    print(version, flush=True)
"""


def test_killing_the_writer_mid_save_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "big.npz"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = np.random.default_rng(0)
    last_seen = 0
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, text=True)
        writer.stdout.readline()  # at least one complete save
        time.sleep(rng.uniform(0.0, 0.3))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        model = glassnet.load(path)
        values = np.unique(np.concatenate([p.data.ravel() for p in model.parameters()]))
        assert len(values) == 1, "the file mixes two saves"
        assert values[0] >= 1
        last_seen = values[0]
    assert last_seen >= 1


def _npy_header(shape, descr="<f4") -> bytes:
    from numpy.lib import format as npy_format

    buffer = io.BytesIO()
    npy_format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_an_entry_declaring_more_than_it_holds_is_refused_before_it_is_allocated(saved, tmp_path, monkeypatch):
    with zipfile.ZipFile(saved) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n in entries if n.endswith("weight.npy"))
    entries[name] = _npy_header((10**13,)) + b"\0" * 64
    hostile = tmp_path / "huge.npz"
    with zipfile.ZipFile(hostile, "w") as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    allocated = []
    real_empty = np.ndarray.__new__
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: allocated.append(1) or real_empty(np.ndarray, 0))
    with pytest.raises(glassnet.ModelFileError, match=rf"entry '{name[:-4]}' of .* declares an array of shape "
                                                      rf"\(10000000000000,\) \(40000000000000 bytes\) but holds 64 bytes"):
        glassnet.load(hostile)
    assert allocated == []


def test_an_architecture_larger_than_the_files_arrays_is_refused_before_it_is_built(tmp_path, monkeypatch):
    from glassnet.serialization import module_spec

    spec = module_spec(nn.Sequential(nn.Linear(2, 3), nn.Tanh()))
    spec["children"]["0"]["config"].update(in_features=10**6, out_features=10**6)
    meta = {"format": "glassnet-model", "format_version": 1, "glassnet_version": "0.1.0", "module": spec}
    np.savez(tmp_path / "v1.npz", **{META_KEY: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)})
    built = []
    monkeypatch.setattr(nn.Linear, "__init__", lambda self, *a, **k: built.append(1))
    with pytest.raises(glassnet.ModelFileError, match=r"declares layer 0 as Linear\(1000000, 1000000\) with "
                                                      r"1000001000000 parameters, but the file holds 0 numbers"):
        glassnet.load(tmp_path / "v1.npz")
    assert built == []


def _edited_estimator(tmp_path, edit):
    """A fitted two-class MLPClassifier saved, then its metadata changed by ``edit`` with checksums recomputed."""
    from glassnet.serialization import load_arrays, save_arrays

    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.array(["a", "b"] * 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classifier = glassnet.MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    path = tmp_path / "classifier.npz"
    glassnet.save(classifier, path)
    meta, arrays = load_arrays(path)
    meta.pop("checksums")
    edit(meta)
    save_arrays(path, meta, arrays)
    return path


def _fitted(key, value):
    return lambda meta: meta["fitted"].__setitem__(key, value)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["fitted"]["classes_"].__setitem__("values", ["a", "b", "c"]),
     "fitted.classes_.values should be 1 or 2 classes for a binary network with 1 output"),
    (lambda m: m["fitted"]["classes_"].__setitem__("values", ["b", "a"]), "distinct labels in sorted order"),
    (lambda m: m["fitted"]["classes_"].__setitem__("label_type", "weird"), "fitted.classes_.label_type should be one of"),
    (_fitted("classes_", "ab"), "fitted.classes_ should be a dict"),
    (_fitted("n_features_in_", "3"), "fitted.n_features_in_ should be 3, as the network has, got '3'"),
    (_fitted("n_features_in_", 99), "fitted.n_features_in_ should be 3, as the network has, got 99"),
    (_fitted("n_outputs_", 5), "fitted.n_outputs_ should be 1"),
    (_fitted("out_activation_", "nonsense"), "fitted.out_activation_ should be 'logistic'"),
    (_fitted("history", [1, 2]), "fitted.history should be a dict"),
    (_fitted("loss_curve_", "abc"), "fitted.loss_curve_ should be a list of numbers"),
    (_fitted("feature_names_in_", 5), "fitted.feature_names_in_ should be a list of 3 column names"),
    (lambda m: m["params"].__setitem__("hidden_layer_sizes", 5), "params.hidden_layer_sizes should be the network's "
                                                                 "hidden layers (4,), got (5,)"),
    (lambda m: m.__setitem__("params", [1]), "'params' should be a dict of hyper-parameters"),
    (lambda m: m.__setitem__("fitted", [1]), "'fitted' should be a dict of fitted attributes or null"),
    (lambda m: m.__setitem__("estimator", ["x"]), "'estimator' should be one of ['MLPClassifier', 'MLPRegressor']"),
    (lambda m: m.pop("optimizer"), "'optimizer' should be the optimizer's state"),
])
def test_a_hand_edited_estimator_file_is_refused_naming_the_entry(tmp_path, edit, message):
    path = _edited_estimator(tmp_path, edit)
    with pytest.raises(glassnet.ModelFileError) as error:
        glassnet.load(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_an_unedited_estimator_file_still_loads(tmp_path):
    loaded = glassnet.load(_edited_estimator(tmp_path, lambda meta: None))
    assert loaded.classes_.tolist() == ["a", "b"] and loaded.n_features_in_ == 3


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_model_file_recompressed_with_bzip2_or_lzma_still_loads(tmp_path, method):
    # the size check before allocating used deflate's largest ratio, which bzip2 and lzma exceed on zeros
    model = nn.Sequential(nn.Linear(600, 600))
    model[0].weight.data[...] = 0
    glassnet.save(model, tmp_path / "m.npz")
    with zipfile.ZipFile(tmp_path / "m.npz") as source, zipfile.ZipFile(tmp_path / "r.npz", "w", method) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    loaded = glassnet.load(tmp_path / "r.npz")
    np.testing.assert_array_equal(loaded[0].weight.data, model[0].weight.data)
