"""Out-of-core training: ``partial_fit`` over chunks of data on disk.

The data set is written to ``.npy`` files chunk by chunk, so it never sits in
memory whole, and is then learned chunk by chunk, twice:

1. from a NumPy memmap (``np.load(path, mmap_mode="r")``): slicing rows reads
   just those rows from disk;
2. from a Dask array over the same files, block by block (``X.blocks[i]``,
   computed when its turn comes) -- the same loop serves a Dask array read
   from Zarr, HDF5 or a directory of files.

A first pass fits a ``StandardScaler`` by ``partial_fit``; then every epoch
passes each chunk once to ``TwoLayerClassifier(solver="adam").partial_fit``
(one epoch of mini-batches of that chunk). Both runs see the same chunks in
the same order, so they give the same weights, bit for bit. For comparison,
``fit`` on the whole training set in memory (``--no-reference`` skips it for
data that does not fit in memory).

The data: ``n_features`` Gaussian features, each then given its own scale and
offset (so scaling matters), labelled by a fixed random tanh network with
8 hidden units and 3 outputs (so a linear model is not enough:
LogisticRegression scores 0.85 on 50 000 rows of it).

    python examples/out_of_core.py                       # 200 000 rows (~15 s)
    python examples/out_of_core.py --n-samples 5000000   # 400 MB of float32
    python examples/out_of_core.py --quick               # toy size (the smoke test)

The Dask run needs the dask extra (``pip install -e ".[dask]"``); without it
the script says so and runs the memmap part alone. Sample output (2-core
machine, default size)::

    data: 200000 train + 20000 test rows x 20 float32 features, 3 classes, \
chunks of 20000 rows
    majority-class test accuracy: 0.404
    memmap       epoch  1/10: test accuracy 0.972
    ...
    memmap       epoch 10/10: test accuracy 0.975
    memmap       4.0 s
    dask array   epoch  1/10: test accuracy 0.972
    ...
    dask array   epoch 10/10: test accuracy 0.975
    dask array   3.7 s
    Dask-array model identical to the memmap model: True
    fit in memory (10 epochs): test accuracy 0.974, 3.2 s
"""

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier

N_CLASSES = 3
TEACHER_HIDDEN = 8


def write_dataset(directory, n_train, n_test, n_features, chunk_rows, seed):
    """Write ``X_train.npy``, ``y_train.npy``, ``X_test.npy`` and ``y_test.npy``
    (float32 features, int64 labels) chunk by chunk, so that only one chunk is
    ever in memory; return their paths by name."""
    rng = np.random.default_rng(seed)
    # The teacher, and each feature's scale and offset, are fixed for all rows.
    W1 = rng.normal(size=(TEACHER_HIDDEN, n_features)) * 2 / np.sqrt(n_features)
    W2 = rng.normal(size=(N_CLASSES, TEACHER_HIDDEN))
    scale = np.exp(rng.normal(size=n_features))
    offset = rng.normal(scale=5.0, size=n_features)
    paths = {}
    for part, n_rows in (("train", n_train), ("test", n_test)):
        paths[f"X_{part}"] = Path(directory) / f"X_{part}.npy"
        paths[f"y_{part}"] = Path(directory) / f"y_{part}.npy"
        X = np.lib.format.open_memmap(
            paths[f"X_{part}"], "w+", dtype=np.float32, shape=(n_rows, n_features)
        )
        y = np.lib.format.open_memmap(
            paths[f"y_{part}"], "w+", dtype=np.int64, shape=(n_rows,)
        )
        for start in range(0, n_rows, chunk_rows):
            stop = min(start + chunk_rows, n_rows)
            Z = rng.normal(size=(stop - start, n_features))
            y[start:stop] = np.argmax(np.tanh(Z @ W1.T) @ W2.T, axis=1)
            X[start:stop] = Z * scale + offset
        X.flush()
        y.flush()
        del X, y  # closes the files
    return paths


def memmap_chunks(X, y, chunk_rows):
    """Row chunks of two arrays (memmaps: each slice is read from disk)."""
    for start in range(0, X.shape[0], chunk_rows):
        yield X[start : start + chunk_rows], y[start : start + chunk_rows]


def dask_chunks(X, y):
    """The row blocks of two Dask arrays chunked alike, computed one pair at a
    time."""
    import dask

    for i in range(X.numblocks[0]):
        yield dask.compute(X.blocks[i], y.blocks[i])


def fit_scaler(chunks):
    """A StandardScaler fitted by partial_fit, one chunk at a time."""
    scaler = StandardScaler()
    for X_chunk, _ in chunks():
        scaler.partial_fit(X_chunk)
    return scaler


def train(chunks, classes, epochs, seed, X_test, y_test, label):
    """Scale, then ``epochs`` passes of partial_fit over ``chunks()``;
    prints the test accuracy after each epoch."""
    scaler = fit_scaler(chunks)
    clf = TwoLayerClassifier(solver="adam", random_state=seed)
    X_test = scaler.transform(X_test)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        for X_chunk, y_chunk in chunks():
            clf.partial_fit(scaler.transform(X_chunk), y_chunk, classes=classes)
        print(
            f"{label:<12} epoch {epoch:2d}/{epochs}: test accuracy "
            f"{clf.score(X_test, y_test):.3f}",
            flush=True,
        )
    print(f"{label:<12} {time.perf_counter() - start:.1f} s", flush=True)
    return clf


def same_weights(a, b):
    return all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("W1_", "b1_", "W2_", "b2_")
    )


def run(paths, args):
    """Train on the files in ``paths`` and print what happens."""
    X = np.load(paths["X_train"], mmap_mode="r")  # read-only, nothing read yet
    y = np.load(paths["y_train"], mmap_mode="r")
    X_test, y_test = np.load(paths["X_test"]), np.load(paths["y_test"])
    classes = np.arange(N_CLASSES)
    print(
        f"data: {X.shape[0]} train + {X_test.shape[0]} test rows x {X.shape[1]} "
        f"{X.dtype} features, {N_CLASSES} classes, chunks of {args.chunk_rows} rows"
    )
    print(
        "majority-class test accuracy: "
        f"{np.bincount(y_test, minlength=N_CLASSES).max() / len(y_test):.3f}"
    )
    on_memmap = train(
        lambda: memmap_chunks(X, y, args.chunk_rows),
        classes,
        args.epochs,
        args.seed,
        X_test,
        y_test,
        "memmap",
    )
    try:
        import dask.array as da
    except ImportError:
        print("dask is not installed: pip install -e '.[dask]' for the Dask run")
    else:
        # from_array over a memmap stays lazy: each block is sliced from the
        # file when it is computed.
        X_dask = da.from_array(X, chunks=(args.chunk_rows, -1))
        y_dask = da.from_array(y, chunks=args.chunk_rows)
        on_dask = train(
            lambda: dask_chunks(X_dask, y_dask),
            classes,
            args.epochs,
            args.seed,
            X_test,
            y_test,
            "dask array",
        )
        print(
            "Dask-array model identical to the memmap model: "
            f"{same_weights(on_dask, on_memmap)}"
        )
    if not args.no_reference:
        scaler = StandardScaler().fit(X)
        start = time.perf_counter()
        clf = TwoLayerClassifier(
            solver="adam", max_iter=args.epochs, random_state=args.seed
        )
        with warnings.catch_warnings():  # max_iter=epochs: not converged
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(scaler.transform(X), y)
        print(
            f"fit in memory ({args.epochs} epochs): test accuracy "
            f"{clf.score(scaler.transform(X_test), y_test):.3f}, "
            f"{time.perf_counter() - start:.1f} s"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=200_000, help="rows")
    parser.add_argument("--n-features", type=int, default=20)
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick", action="store_true", help="toy size: 3000 rows, 2 epochs"
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip fit() in memory"
    )
    parser.add_argument(
        "--dir", type=Path, help="where to write the data (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n_samples, args.chunk_rows, args.epochs = 3000, 1000, 2
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        paths = write_dataset(
            directory,
            args.n_samples,
            max(args.n_samples // 10, 1),
            args.n_features,
            args.chunk_rows,
            args.seed,
        )
        print(f"wrote {', '.join(p.name for p in paths.values())} to {directory}")
        run(paths, args)  # its memmaps are closed when it returns
    return 0


if __name__ == "__main__":
    sys.exit(main())
