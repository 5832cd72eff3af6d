"""Out-of-core training: partial_fit over chunks of a memmap and of a Dask
array, and the example script that shows it."""

import runpy
import sys
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "out_of_core.py"
WEIGHTS = ("W1_", "b1_", "W2_", "b2_")
CHUNK = 250  # rows; 1000 rows make 4 chunks, 1100 a short last one


def _data(n_samples, dtype=np.float64, random_state=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=8,
        n_informative=6,
        n_classes=3,
        random_state=random_state,
    )
    return X.astype(dtype), y


def _on_disk(tmp_path, X, y):
    """X and y saved as .npy and opened read-only as memmaps."""
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    return (
        np.load(tmp_path / "X.npy", mmap_mode="r"),
        np.load(tmp_path / "y.npy", mmap_mode="r"),
    )


def _chunks(X, y, rows=CHUNK):
    return [(X[i : i + rows], y[i : i + rows]) for i in range(0, X.shape[0], rows)]


def _partial_fit(chunks, epochs=2, **params):
    clf = TwoLayerClassifier(n_hidden=8, random_state=0, **params)
    for _ in range(epochs):
        for X_chunk, y_chunk in chunks:
            clf.partial_fit(X_chunk, y_chunk, classes=[0, 1, 2])
    return clf


def _assert_same_model(a, b):
    for name in WEIGHTS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.loss_curve_ == b.loss_curve_
    assert a.t_ == b.t_


@pytest.mark.parametrize("solver", ["adam", "sgd", "gd"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_partial_fit_over_a_memmap_equals_the_same_chunks_in_memory(
    tmp_path, solver, dtype
):
    X, y = _data(1100, dtype)
    X_map, y_map = _on_disk(tmp_path, X, y)
    assert isinstance(X_map, np.memmap) and not X_map.flags.writeable

    on_disk = _partial_fit(_chunks(X_map, y_map), solver=solver)
    in_memory = _partial_fit(_chunks(X.copy(), y.copy()), solver=solver)

    _assert_same_model(on_disk, in_memory)
    assert on_disk.W1_.dtype == dtype
    assert on_disk.t_ == 2 * 1100
    np.testing.assert_array_equal(X_map, X)  # the file was only read


@pytest.mark.parametrize("solver", ["adam", "sgd", "gd"])
def test_training_over_a_memmap_never_holds_the_whole_data_set(tmp_path, solver):
    # NumPy reports its allocations to tracemalloc; a memmap's pages are not
    # allocations, so the peak is what training itself holds.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40_000, 64))  # 20 MB; a chunk of 1000 rows is 0.5 MB
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    X_map, y_map = _on_disk(tmp_path, X, y)
    del X, y
    chunks = _chunks(X_map, y_map, rows=1000)
    chunk_bytes = chunks[0][0].nbytes
    clf = TwoLayerClassifier(solver=solver, random_state=0)
    clf.partial_fit(*chunks[0], classes=[0, 1, 2])
    tracemalloc.start()
    try:
        for X_chunk, y_chunk in chunks:
            clf.partial_fit(X_chunk, y_chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert clf.t_ == 1000 + 40_000
    assert peak < 10 * chunk_bytes
    assert peak < X_map.nbytes / 5


def test_partial_fit_over_dask_array_blocks_equals_the_same_chunks_in_memory(
    tmp_path,
):
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    X, y = _data(1100)
    X_map, y_map = _on_disk(tmp_path, X, y)
    X_dask = da.from_array(X_map, chunks=(CHUNK, -1))
    y_dask = da.from_array(y_map, chunks=CHUNK)
    assert X_dask.numblocks == (5, 1)

    blocks = [
        dask.compute(X_dask.blocks[i], y_dask.blocks[i], scheduler="sync")
        for i in range(X_dask.numblocks[0])
    ]
    assert [len(b) for b, _ in blocks] == [CHUNK] * 4 + [100]
    on_dask = _partial_fit(blocks, solver="adam")
    in_memory = _partial_fit(_chunks(X, y), solver="adam")

    _assert_same_model(on_dask, in_memory)


def test_chunked_training_is_about_as_accurate_as_fit_in_memory(tmp_path):
    X, y = _data(6000, np.float32, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=1000, stratify=y, random_state=0
    )
    X_map, y_map = _on_disk(tmp_path, X_train, y_train)
    scaler = StandardScaler()
    for X_chunk, _ in _chunks(X_map, y_map, rows=1000):
        scaler.partial_fit(X_chunk)
    epochs = 5
    chunked = _partial_fit(
        [(scaler.transform(Xc), yc) for Xc, yc in _chunks(X_map, y_map, rows=1000)],
        epochs=epochs,
        solver="adam",
    )
    whole = TwoLayerClassifier(
        n_hidden=8, solver="adam", max_iter=epochs, random_state=0
    )
    with warnings.catch_warnings():  # max_iter=epochs stops it early
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole.fit(scaler.transform(X_train), y_train)

    X_test = scaler.transform(X_test)
    chunked_accuracy = chunked.score(X_test, y_test)
    majority = np.bincount(y_test).max() / len(y_test)
    assert chunked_accuracy > majority + 0.3
    assert chunked_accuracy >= whole.score(X_test, y_test) - 0.03


def test_out_of_core_example_runs_at_toy_size(tmp_path, capsys, monkeypatch):
    argv = [EXAMPLE.name, "--quick", "--dir", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert exit_info.value.code == 0, out
    assert "data: 3000 train + 300 test rows x 20 float32 features" in out
    assert f"to {tmp_path}" in out
    assert "memmap       epoch  2/2: test accuracy" in out
    assert "fit in memory (2 epochs): test accuracy" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "X_test.npy",
        "X_train.npy",
        "y_test.npy",
        "y_train.npy",
    ]
    try:
        import dask.array  # noqa: F401
    except ImportError:
        assert "dask is not installed" in out
    else:
        assert "dask array   epoch  2/2: test accuracy" in out
        assert "Dask-array model identical to the memmap model: True" in out
