"""MNIST loading from small IDX files that the tests write themselves (no network)."""
import functools
import gzip
import hashlib
import http.server
import os
import struct
import threading

import numpy as np
import pytest

from glassnet.datasets import ChecksumError, IDXFormatError, load_fashion_mnist, load_mnist, read_idx, write_idx
from glassnet.datasets.mnist import MNIST

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def _idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """IDX bytes written by hand from the format description (independent of glassnet's writer)."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _arrays(seed=0):
    rng = np.random.default_rng(seed)
    return {
        NAMES[0]: rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8),
        NAMES[1]: rng.integers(0, 10, size=12, dtype=np.uint8),
        NAMES[2]: rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
        NAMES[3]: rng.integers(0, 10, size=5, dtype=np.uint8),
    }


def _write_folder(folder, arrays, compress=True):
    os.makedirs(folder, exist_ok=True)
    checksums = {}
    for name, array in arrays.items():
        data = _idx_bytes(array)
        file_name = name + ".gz" if compress else name
        if compress:
            data = gzip.compress(data)
        with open(os.path.join(folder, file_name), "wb") as file:
            file.write(data)
        checksums[file_name] = hashlib.md5(data).hexdigest()
    return checksums


def test_read_idx_matches_hand_written_bytes(tmp_path):
    for dtype, code in ((np.uint8, 0x08), (np.int16, 0x0B), (np.int32, 0x0C), (np.float32, 0x0D), (np.float64, 0x0E)):
        array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
        path = tmp_path / f"a-{code}"
        path.write_bytes(_idx_bytes(array, code))
        read = read_idx(path)
        assert read.dtype == dtype
        np.testing.assert_array_equal(read, array)


def test_write_idx_round_trips_plain_and_gzip(tmp_path):
    array = np.arange(60, dtype=np.uint8).reshape(3, 4, 5)
    write_idx(tmp_path / "x", array)
    assert (tmp_path / "x").read_bytes() == _idx_bytes(array)
    write_idx(tmp_path / "x.gz", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.gz"), array)


def test_load_mnist_reads_the_four_files(tmp_path):
    arrays = _arrays()
    checksums = _write_folder(tmp_path, arrays)
    (X_train, y_train), (X_test, y_test) = load_mnist(tmp_path, checksums=checksums)
    assert X_train.dtype == np.float32 and X_train.shape == (12, 784)
    np.testing.assert_allclose(X_train, arrays[NAMES[0]].reshape(12, 784) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_train, arrays[NAMES[1]])
    np.testing.assert_array_equal(y_test, arrays[NAMES[3]])
    assert y_train.dtype == np.int64
    train, test = load_mnist(tmp_path, checksums=checksums, normalize=False)
    np.testing.assert_array_equal(test.images, arrays[NAMES[2]])
    assert train.X.dtype == np.uint8


def test_uncompressed_files_work_and_a_cache_is_written(tmp_path):
    arrays = _arrays(1)
    _write_folder(tmp_path, arrays, compress=False)
    train, _ = load_mnist(tmp_path)  # uncompressed: checked for their structure, as the published checksums say
    assert (tmp_path / "mnist.npz").is_file()
    for name in NAMES:  # the cache alone is enough once written
        os.unlink(tmp_path / name)
    again, _ = load_mnist(tmp_path)
    np.testing.assert_array_equal(again.X, train.X)


def test_cache_is_refreshed_when_the_files_change(tmp_path):
    _write_folder(tmp_path, _arrays(1))
    load_mnist(tmp_path, checksums=None)
    newer = _arrays(2)
    _write_folder(tmp_path, newer)
    train, _ = load_mnist(tmp_path, checksums=None, normalize=False)
    np.testing.assert_array_equal(train.y, newer[NAMES[1]])


def test_a_cache_written_without_checksums_is_not_trusted_by_a_checked_load(tmp_path):
    _write_folder(tmp_path, _arrays(1))  # files that do not match the published MNIST checksums
    with pytest.raises(ChecksumError):
        load_mnist(tmp_path)
    load_mnist(tmp_path, checksums=None)  # the user opts out once; the cache remembers that it was unchecked
    with pytest.raises(ChecksumError):
        load_mnist(tmp_path)


def test_missing_files_say_where_and_how(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_mnist(tmp_path / "nowhere")
    message = str(error.value)
    assert str(tmp_path / "nowhere") in message
    for name in NAMES:
        assert name + ".gz" in message
    assert "download=True" in message and "GLASSNET_DATA_DIR" in message


def test_environment_variable_moves_the_default_folder(tmp_path, monkeypatch):
    arrays = _arrays(3)
    checksums = _write_folder(tmp_path / "fashion-mnist", arrays)
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path))
    train, test = load_fashion_mnist(checksums=checksums)
    np.testing.assert_array_equal(test.y, arrays[NAMES[3]])
    assert train.class_names[9] == "Ankle boot"


def test_a_wrong_checksum_is_refused(tmp_path):
    checksums = _write_folder(tmp_path, _arrays())
    checksums["train-labels-idx1-ubyte.gz"] = "0" * 32
    with pytest.raises(ChecksumError, match="train-labels-idx1-ubyte.gz.*published"):
        load_mnist(tmp_path, checksums=checksums)


def test_published_checksums_refuse_files_that_are_not_the_real_ones(tmp_path):
    _write_folder(tmp_path, _arrays())
    with pytest.raises(ChecksumError, match="f68b3c2dcbeaaa9fbdd348bbdeb94873"):
        load_mnist(tmp_path)


def test_bad_magic_bytes_are_refused(tmp_path):
    _write_folder(tmp_path, _arrays(), compress=False)
    path = tmp_path / "train-images-idx3-ubyte"
    data = bytearray(path.read_bytes())
    data[0] = 0x50  # no longer starts with two zero bytes
    path.write_bytes(bytes(data))
    with pytest.raises(IDXFormatError, match="not an IDX file"):
        load_mnist(tmp_path, checksums=None)


def test_truncated_files_are_refused(tmp_path):
    _write_folder(tmp_path, _arrays(), compress=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(IDXFormatError, match="truncated"):
        load_mnist(tmp_path, checksums=None)
    gz = tmp_path / "gz"
    _write_folder(gz, _arrays())
    path = gz / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(IDXFormatError, match="truncated or corrupted"):
        load_mnist(gz, checksums=None)


def test_images_and_labels_must_agree(tmp_path):
    arrays = _arrays()
    arrays[NAMES[1]] = arrays[NAMES[1]][:7]
    _write_folder(tmp_path, arrays)
    with pytest.raises(ValueError, match="12 images.*7 labels"):
        load_mnist(tmp_path, checksums=None)


@pytest.fixture
def served_folder(tmp_path):
    """A local HTTP server on 127.0.0.1 serving a folder of generated IDX files."""
    folder = tmp_path / "served"
    checksums = _write_folder(folder, _arrays(4))
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", checksums
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_fetches_missing_files_and_verifies_them(tmp_path, served_folder):
    url, checksums = served_folder
    target = tmp_path / "cache"
    with pytest.raises(FileNotFoundError):
        load_mnist(target, mirrors=[url], checksums=checksums)  # no download unless asked
    train, test = load_mnist(target, download=True, mirrors=["http://127.0.0.1:9/", url], checksums=checksums)
    assert len(train) == 12 and len(test) == 5
    assert sorted(os.listdir(target)) == sorted([n + ".gz" for n in NAMES] + ["mnist.npz"])


def test_download_with_a_wrong_checksum_keeps_nothing(tmp_path, served_folder):
    url, checksums = served_folder
    checksums = dict(checksums, **{"train-images-idx3-ubyte.gz": "1" * 32})
    with pytest.raises(OSError, match="train-images-idx3-ubyte.gz"):
        load_mnist(tmp_path / "cache", download=True, mirrors=[url], checksums=checksums)
    assert not (tmp_path / "cache" / "train-images-idx3-ubyte.gz").exists()


def test_published_checksums_are_the_known_values():
    # from the MNIST distribution (as listed by torchvision's datasets/mnist.py)
    assert MNIST.md5["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert MNIST.md5["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"


def test_with_some_idx_files_present_the_old_cache_is_not_used(tmp_path):
    _write_folder(tmp_path, _arrays(0), compress=False)
    load_mnist(tmp_path, checksums=None)  # writes mnist.npz from these files
    newer = _arrays(1)
    newer[NAMES[0]] = newer[NAMES[0]][:7]
    newer[NAMES[1]] = newer[NAMES[1]][:7]
    _write_folder(tmp_path, {name: newer[name] for name in NAMES[:2]}, compress=False)
    os.remove(tmp_path / NAMES[3])
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path, checksums=None)


def _only_the_cache_left(folder, arrays) -> None:
    """Write uncompressed IDX files, load them once unchecked (which writes mnist.npz), then delete them."""
    _write_folder(folder, arrays, compress=False)
    load_mnist(folder, checksums=None)
    for name in NAMES:
        os.remove(folder / name)


def test_the_cache_stands_in_when_every_idx_file_is_gone(tmp_path):
    arrays = _arrays(0)
    _only_the_cache_left(tmp_path, arrays)
    train, test = load_mnist(tmp_path, checksums=None, normalize=False)
    np.testing.assert_array_equal(test.X.reshape(-1, 28, 28), arrays[NAMES[2]])


def test_train_and_test_images_of_other_sizes_are_refused_naming_both_files(tmp_path):
    arrays = _arrays(0)
    arrays[NAMES[2]] = arrays[NAMES[2]][:, :20, :20]
    _write_folder(tmp_path, arrays, compress=False)
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte holds 20x20 images but .*train-images-idx3-ubyte holds 28x28"):
        load_mnist(tmp_path, checksums=None)


def test_a_wrong_checksum_of_a_compressed_file_says_it_may_be_decompressed(tmp_path):
    checksums = _write_folder(tmp_path, _arrays())
    checksums["train-labels-idx1-ubyte.gz"] = "0" * 32
    with pytest.raises(ChecksumError, match=r"decompress it \(gunzip\): an uncompressed IDX file is checked for its structure only"):
        load_mnist(tmp_path, checksums=checksums)


def test_pixels_over_255_are_computed_in_the_asked_dtype(tmp_path):
    arrays = _arrays()
    arrays[NAMES[0]][0].flat[:256] = np.arange(256)  # every grey level
    checksums = _write_folder(tmp_path, arrays)
    quotients = np.array([p / 255 for p in range(256)])  # Python's float64 division, correctly rounded
    (X64, y64), (X64_test, _) = load_mnist(tmp_path, checksums=checksums, dtype="float64")
    assert X64.dtype == X64_test.dtype == np.float64 and y64.dtype == np.int64
    np.testing.assert_array_equal(X64, quotients[arrays[NAMES[0]].reshape(12, 784)])
    (X32, _), _ = load_mnist(tmp_path, checksums=checksums)
    np.testing.assert_array_equal(X32, X64.astype(np.float32))  # float32 division rounds each p / 255 once


def test_fashion_mnist_takes_dtype_and_follows_the_default(tmp_path, default_float64):
    checksums = _write_folder(tmp_path, _arrays())
    train, test = load_fashion_mnist(tmp_path, checksums=checksums)
    assert train.X.dtype == test.X.dtype == np.float64
    train, _ = load_fashion_mnist(tmp_path, checksums=checksums, dtype=np.float32)
    assert train.X.dtype == np.float32
    train, _ = load_fashion_mnist(tmp_path, checksums=checksums, normalize=False, dtype="float64")
    assert train.X.dtype == np.uint8  # raw pixels stay raw


def test_mnist_refuses_an_integer_dtype(tmp_path):
    checksums = _write_folder(tmp_path, _arrays())
    with pytest.raises(TypeError, match="load_mnist: dtype: expected float32 or float64, got uint8"):
        load_mnist(tmp_path, checksums=checksums, dtype="uint8")
    with pytest.raises(TypeError, match="load_fashion_mnist: dtype: expected float32 or float64, got int16"):
        load_fashion_mnist(tmp_path, checksums=checksums, dtype=np.int16)


def test_a_cache_written_without_checksums_does_not_stand_in_for_a_checked_load(tmp_path):
    _write_folder(tmp_path, _arrays(0))
    load_mnist(tmp_path, checksums=None)
    for name in NAMES:
        os.remove(tmp_path / (name + ".gz"))
    with pytest.raises(FileNotFoundError, match="mnist.npz is not used: it was written from files checked otherwise"):
        load_mnist(tmp_path)
    load_mnist(tmp_path, checksums=None)  # asked for no check: the cache is enough


def test_a_cache_with_arrays_the_idx_files_could_not_hold_is_not_used(tmp_path):
    _only_the_cache_left(tmp_path, _arrays(0))
    with np.load(tmp_path / "mnist.npz") as archive:
        cached = dict(archive)
    for key, bad in (("x_train", cached["x_train"].astype(np.float64)), ("y_test", cached["y_test"][:2]),
                     ("x_test", cached["x_test"].reshape(5, -1))):
        with open(tmp_path / "mnist.npz", "wb") as file:
            np.savez(file, **{**cached, key: bad})
        with pytest.raises(FileNotFoundError, match="or it is damaged"):
            load_mnist(tmp_path, checksums=None)


def test_idx_files_of_no_images_are_refused_naming_the_file(tmp_path):
    arrays = _arrays(0)
    arrays[NAMES[0]], arrays[NAMES[1]] = arrays[NAMES[0]][:0], arrays[NAMES[1]][:0]
    _write_folder(tmp_path, arrays, compress=False)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte: holds no images"):
        load_mnist(tmp_path, checksums=None)
