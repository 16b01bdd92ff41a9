import numpy as np
import pytest

from glassnet.datasets import DATASETS, load_csv, load_dataset


def _write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_string_labels_become_classes_with_their_names(tmp_path):
    path = _write(tmp_path, "a,b,species\n1,2,setosa\n3,4.5,virginica\n5,6,setosa\n")
    table = load_csv(path, target="species")
    np.testing.assert_array_equal(table.X, [[1, 2], [3, 4.5], [5, 6]])
    assert table.X.dtype == np.float32
    np.testing.assert_array_equal(table.y, [0, 1, 0])
    assert table.y.dtype == np.int64
    assert table.class_names == ("setosa", "virginica")
    assert table.feature_names == ("a", "b")


def test_target_by_index_without_header_and_other_delimiter(tmp_path):
    path = _write(tmp_path, "2;1.5;0.5\n0;2.5;1.5\n")
    X, y = load_csv(path, target=0, delimiter=";", header=False)
    np.testing.assert_array_equal(X, [[1.5, 0.5], [2.5, 1.5]])
    np.testing.assert_array_equal(y, [1, 0])


def test_real_valued_targets_are_regression(tmp_path):
    path = _write(tmp_path, "x,y\n1,0.5\n2,1.25\n")
    table = load_csv(path)
    assert table.y.dtype == np.float32 and table.class_names is None
    np.testing.assert_allclose(table.y, [0.5, 1.25])


def test_non_numeric_cell_names_row_and_column(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2,x\n3,abc,y\n")
    with pytest.raises(ValueError, match=r"row 3, column 'b': 'abc' is not a number"):
        load_csv(path, target="label")


def test_missing_value_names_row_and_column(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,,x\n")
    with pytest.raises(ValueError, match=r"row 2, column 'b': missing value"):
        load_csv(path, target="label")
    path = _write(tmp_path, "a,label\n1,x\n2,NA\n", "b.csv")
    with pytest.raises(ValueError, match=r"row 3, column 'label': missing"):
        load_csv(path, target="label")


def test_ragged_rows_and_unknown_columns_are_reported(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2,x\n3,4\n")
    with pytest.raises(ValueError, match="row 3 has 2 cells, expected 3"):
        load_csv(path)
    path = _write(tmp_path, "a,b,label\n1,2,x\n", "c.csv")
    with pytest.raises(ValueError, match=r"no column named 'kind'; columns: \['a', 'b', 'label'\]"):
        load_csv(path, target="kind")
    with pytest.raises(FileNotFoundError, match="no file"):
        load_csv(tmp_path / "absent.csv")


def test_registry_loads_by_name_and_lists_valid_names(tmp_path):
    path = _write(tmp_path, "a,label\n1,0\n2,1\n")
    np.testing.assert_array_equal(load_dataset(f"csv:{path}", target="label").y, [0, 1])
    assert load_dataset("moons", n_samples=10, seed=0).X.shape == (10, 2)
    with pytest.raises(ValueError) as error:
        load_dataset("mnsit")
    for name in DATASETS:
        assert name in str(error.value)


def test_numeric_class_labels_are_named_by_their_numbers(tmp_path):
    path = _write(tmp_path, "x,label\n1,0.5\n2,0.7\n3,1\n4,12345678901234567890\n5,1.0\n6,12345678901234567891\n")
    table = load_csv(path, target="label", task="classification")
    assert table.class_names == ("0.5", "0.7", "1", "12345678901234567890", "12345678901234567891")
    np.testing.assert_array_equal(table.y, [0, 1, 2, 3, 2, 4])  # 1 and 1.0 are one class


def test_a_file_that_is_not_utf8_or_not_a_path_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,label\ncaf\u00e9,1\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.csv is not UTF-8 text"):
        load_csv(path)
    with pytest.raises(TypeError, match="path must be a file path"):
        load_csv(3)


def test_numbers_beyond_float32_and_a_target_name_used_twice_are_refused(tmp_path):
    # 1e39 would be stored as inf in the float32 features (a typed "inf" is refused already)
    with pytest.raises(ValueError, match=r"row 3, column 'a': '1e39' is beyond float32's range"):
        load_csv(_write(tmp_path, "a,b,label\n1,2,0\n1e39,0,1\n"), target="label")
    with pytest.raises(ValueError, match=r"row 2, column 'y': '-4e38' is beyond float32's range"):
        load_csv(_write(tmp_path, "a,y\n1,-4e38\n2,1.5\n"), target="y", task="regression")
    duplicated = _write(tmp_path, "x,y,y\n1,2,3\n4,5,6\n")  # which y is the target?
    with pytest.raises(ValueError, match=r"names 2 columns 'y' \(indices \[1, 2\]\); give target as an index"):
        load_csv(duplicated, target="y")
    np.testing.assert_array_equal(load_csv(duplicated, target=1).X, [[1, 3], [4, 6]])
    largest = load_csv(_write(tmp_path, "a,label\n3.4028235e+38,0\n1,1\n"), target="label")  # float32's max, as printed
    assert largest.X[0, 0] == np.finfo(np.float32).max


BIG = "x,price\n16777217,100000000.01\n16777219,100000001.01\n16777221,100000002.01\n"
"""Integers above 2**24 and prices with cents at 1e8: float32 rounds each column to fewer distinct values."""


def _cells(text, column):
    return [float(line.split(",")[column]) for line in text.splitlines()[1:]]


def test_float64_keeps_the_digits_that_float32_rounds_away(tmp_path):
    path = _write(tmp_path, BIG)
    table = load_csv(path, target="price", dtype="float64")
    assert table.X.dtype == table.y.dtype == np.float64 and table.class_names is None
    assert table.X[:, 0].tolist() == _cells(BIG, 0) and table.y.tolist() == _cells(BIG, 1)
    assert len(set(table.X[:, 0].tolist())) == len(set(table.y.tolist())) == 3
    rounded = load_csv(path, target="price")
    assert rounded.X.dtype == rounded.y.dtype == np.float32
    np.testing.assert_array_equal(rounded.X, table.X.astype(np.float32))  # each cell rounded once
    np.testing.assert_array_equal(rounded.y, table.y.astype(np.float32))
    assert len(set(rounded.y.tolist())) == 1


def test_task_regression_in_float64_and_through_load_dataset(tmp_path):
    path = _write(tmp_path, "x,count\n16777217,3\n16777219,4\n16777221,5\n")
    table = load_dataset(f"csv:{path}", task="regression", dtype=np.float64)
    assert table.y.dtype == np.float64 and table.y.tolist() == [3.0, 4.0, 5.0]
    assert table.X[:, 0].tolist() == [16777217.0, 16777219.0, 16777221.0]


def test_csv_follows_the_default_dtype(tmp_path, default_float64):
    table = load_csv(_write(tmp_path, BIG))
    assert table.X.dtype == table.y.dtype == np.float64 and table.y.tolist() == _cells(BIG, 1)


def test_float64_reads_numbers_beyond_float32s_range(tmp_path):
    path = _write(tmp_path, "a,y\n1e39,0.5\n2,-4e38\n")
    table = load_csv(path, dtype="float64")
    assert table.X[:, 0].tolist() == [1e39, 2.0] and table.y.tolist() == [0.5, -4e38]
    with pytest.raises(ValueError, match=r"'1e39' is beyond float32's range .*dtype='float64'"):
        load_csv(path)


def test_integer_class_labels_stay_integers_in_float64(tmp_path):
    table = load_csv(_write(tmp_path, "a,label\n0.1,2\n0.2,7\n0.3,2\n"), dtype="float64")
    assert table.y.dtype == np.int64 and table.y.tolist() == [0, 1, 0] and table.X.dtype == np.float64


@pytest.mark.parametrize("dtype, match", [
    ("int64", "load_csv: dtype: expected float32 or float64, got int64"),
    ("float16", "load_csv: dtype: expected float32 or float64, got float16"),
    ("banana", "load_csv: dtype: expected a NumPy dtype or its name"),
])
def test_a_bad_dtype_is_refused_naming_it(tmp_path, dtype, match):
    with pytest.raises(TypeError, match=match):
        load_csv(_write(tmp_path, BIG), dtype=dtype)


@pytest.mark.parametrize("cell", ["1_000", "\uff11\uff12", "\u0661\u0662", "0x10", "1e", "--1"])
def test_only_plain_decimal_numbers_are_read_as_numpy_loadtxt_reads_them(tmp_path, cell):
    path = _write(tmp_path, f"a,b,y\n{cell},2,0\n3,4,1\n5,6,0\n7,8,1\n")
    with pytest.raises(ValueError, match=f"row 2, column 'a': '{cell}' is not a number"):
        load_csv(path, target="y")


def test_plain_numbers_in_every_notation_are_read(tmp_path):
    path = _write(tmp_path, "a,b,y\n1000,-.5,0\n+1.5e-3,2.,1\n1E3, 7 ,0\n-0,4,1\n")
    table = load_csv(path, target="y")
    np.testing.assert_array_equal(table.X, np.array([[1000, -0.5], [1.5e-3, 2.0], [1e3, 7], [0, 4]], dtype=table.X.dtype))
