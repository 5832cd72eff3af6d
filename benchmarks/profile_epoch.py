"""Where the time of a full-batch epoch goes, line by line, against the
kernel floor, and what each candidate fusion of the element-wise passes buys.

An epoch of full-batch gradient descent is one evaluation of the loss and
its gradient over all rows: blocks of rows, one shard of them per core
(``_blocks.Propagation``), each block through the lines of
``_network.accumulate``. This script re-implements that block loop with
plain NumPy/SciPy calls, so that every line can be timed on its own and
variants of it compared, without touching the package:

1. *profile*: the block loop on one core, a clock read between the lines;
   each line's time per epoch beside the epoch's, and the kernel floor (the
   two big products ``X·W1ᵀ`` and ``dZ1ᵀ·X`` and ``tanh``, the work no
   implementation can skip);
2. *variants*: whole epochs on all cores (one shard per core, BLAS on one
   thread per shard, as the package runs them) of the baseline and of each
   idea, interleaved, with the package's own ``FullBatchLoss`` beside them
   as the reference the baseline must match.

    python benchmarks/profile_epoch.py                       # float32, 60 000 × 50
    python benchmarks/profile_epoch.py --dtype float64 --n 200000

The tables are printed and written to ``benchmarks/profile.md`` (``--out``).
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from _common import interleaved, machine_lines, write_results
from scipy.linalg import get_blas_funcs
from threadpoolctl import threadpool_limits

from sk_twolayer import _blocks
from sk_twolayer import _network as net

HERE = Path(__file__).resolve().parent
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def problem(n, d, h, k, dtype, seed=0):
    """Standardised random rows, 0/1 (one-hot) targets, Glorot weights."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d)).astype(dtype)
    n_y = 1 if k == 2 else k
    y = rng.randint(k, size=n)
    Y = ((y[:, None] == 1) if k == 2 else (y[:, None] == np.arange(k))).astype(dtype)
    W1 = (rng.uniform(-1, 1, (h, d)) * np.sqrt(6 / (d + h))).astype(dtype)
    W2 = (rng.uniform(-1, 1, (n_y, h)) * np.sqrt(6 / (h + n_y))).astype(dtype)
    b1 = (0.1 * rng.standard_normal(h)).astype(dtype)
    b2 = np.zeros(n_y, dtype)
    return X, Y, (W1, b1, W2, b2)


# --- one block, the package's way and the candidates ---------------------------

#: Variant name -> the options it changes from the baseline (see Block).
VARIANTS = {
    "baseline (as _network.accumulate)": {},
    "bias by numpy broadcast (Z1 += b1)": {"bias": "numpy"},
    "bias: Z1 filled with b1, gemm beta=1": {"bias": "gemm"},
    "X block + column of ones: b1 in the gemm, db1 in dW1's": {"bias": "ones"},
    "db1 by np.sum(axis=0)": {"db": "sum"},
    "g′ into the product: dZ1 −= dZ1∗A² (gemm outer, 3 passes)": {"gprime": "fold"},
    "dZ1 by outer np.multiply (one output)": {"outer": "numpy"},
    "block sums by gemm beta=1 (no buffer, no add)": {"sums": "beta"},
    "dW2/Z2 by gemv (not matmul)": {"small": "gemv"},
}


class Block:
    """The work arrays of one thread and the lines of one block."""

    def __init__(self, rows, d, h, n_y, dtype, **options):
        self.o = {
            "bias": "ger",
            "db": "gemv",
            "gprime": "square",
            "outer": "gemm",
            "sums": "add",
            "small": "matmul",
            **options,
        }
        self.Z1 = np.empty((rows, h), dtype)
        self.dZ1 = np.empty((rows, h), dtype)
        self.Z2 = np.empty((rows, n_y), dtype)
        self.ones = np.ones(rows, dtype)
        self.Xa = np.ones((rows, d + 1), dtype) if self.o["bias"] == "ones" else None
        self.part = [np.empty((h, d), dtype), np.empty(h, dtype)]
        self.part += [np.empty((n_y, h), dtype), np.empty(n_y, dtype)]
        blas = {name: get_blas_funcs(name, dtype=dtype) for name in ("ger", "gemm")}
        self.ger, self.gemm = blas["ger"], blas["gemm"]
        self.gemv = get_blas_funcs("gemv", dtype=dtype)

    def run(self, X, Y, W1T, b1, W2, b2, grads, first, clock=None):
        """One block; ``clock(name)`` (if given) is called after each line."""
        o, m = self.o, X.shape[0]
        tick = clock or (lambda name: None)
        dW1, db1, dW2, db2 = grads if first or o["sums"] == "beta" else self.part
        beta = 0.0 if first else 1.0
        Z1, dZ1, Z2, ones = self.Z1[:m], self.dZ1[:m], self.Z2[:m], self.ones[:m]
        # Forward
        if o["bias"] == "ones":
            Xa = self.Xa[:m]
            Xa[:, 1:] = X
            tick("copy X block beside ones")
            W1Ta = np.concatenate([b1[None], W1T])  # (in a real fit: once)
            np.matmul(Xa, W1Ta, out=Z1)
            tick("Z1 = [1 X]·[b1; W1ᵀ]")
        elif o["bias"] == "gemm":
            Z1[...] = b1
            tick("Z1 := b1 (fill)")
            self.gemm(1.0, W1T.T, X.T, beta=1.0, c=Z1.T, overwrite_c=True)
            tick("Z1 += X·W1ᵀ (gemm, beta=1)")
        else:
            np.matmul(X, W1T, out=Z1)
            tick("Z1 = X·W1ᵀ (gemm)")
            if o["bias"] == "ger":
                self.ger(1.0, b1, ones, a=Z1.T, overwrite_a=True)
            else:
                Z1 += b1
            tick("Z1 += b1")
        A1 = np.tanh(Z1, out=Z1)
        tick("A1 = tanh(Z1)")
        if o["small"] == "gemv" and Z2.shape[1] == 1:
            self.gemv(1.0, A1.T, W2[0], trans=1, y=Z2[:, 0], overwrite_y=True)
        else:
            np.matmul(A1, W2.T, out=Z2)
        Z2 += b2
        tick("Z2 = A1·W2ᵀ + b2")
        loss = net.total_cross_entropy(
            Z2, Y, None, "sigmoid" if Z2.shape[1] == 1 else "softmax"
        )
        tick("loss (cross-entropy sum)")
        A2 = (net.sigmoid if Z2.shape[1] == 1 else net.softmax)(Z2, out=Z2)
        dZ2 = np.subtract(A2, Y, out=A2)
        tick("A2 = σ(Z2), dZ2 = A2 − Y")
        # Backward
        if o["small"] == "gemv" and dZ2.shape[1] == 1:
            b = beta if o["sums"] == "beta" else 0.0
            self.gemv(1.0, A1.T, dZ2[:, 0], beta=b, y=dW2[0], overwrite_y=True)
        elif o["sums"] == "beta" and not first:
            self.gemm(1.0, A1.T, dZ2.T, beta=1.0, c=dW2.T, overwrite_c=True, trans_b=1)
        else:
            np.matmul(dZ2.T, A1, out=dW2)
        if o["sums"] == "beta" and not first:
            db2 += dZ2.sum(axis=0)
        else:
            np.matmul(ones, dZ2, out=db2)
        tick("dW2 = dZ2ᵀ·A1, db2 = Σ dZ2")
        if o["outer"] == "numpy" and dZ2.shape[1] == 1:
            np.multiply(dZ2, W2, out=dZ1)
        else:
            self.gemm(1.0, W2.T, dZ2.T, beta=0.0, c=dZ1.T, overwrite_c=True)
        tick("dZ1 = dZ2·W2 (product)")
        if o["gprime"] == "fold":
            S = np.square(A1, out=A1)
            tick("g′: A1²")
            np.multiply(dZ1, S, out=S)
            tick("g′: dZ1∗A1²")
            dZ1 -= S
            tick("dZ1 −= dZ1∗A1²")
        else:
            S = np.square(A1, out=A1)
            tick("g′: A1²")
            G = np.subtract(1, S, out=S)
            tick("g′: 1 − A1²")
            dZ1 *= G
            tick("dZ1 ∗= g′")
        if o["bias"] == "ones":
            # [db1 dW1] = dZ1ᵀ·[1 X] in one product
            if first or o["sums"] != "beta":
                both = np.matmul(dZ1.T, Xa)
                db1[...], dW1[...] = both[:, 0], both[:, 1:]
            else:
                both = np.matmul(dZ1.T, Xa)
                db1 += both[:, 0]
                dW1 += both[:, 1:]
            tick("[db1 dW1] = dZ1ᵀ·[1 X] (gemm)")
        else:
            if o["sums"] == "beta" and not first:
                self.gemm(
                    1.0, X.T, dZ1.T, beta=1.0, c=dW1.T, overwrite_c=True, trans_b=1
                )
            else:
                np.matmul(dZ1.T, X, out=dW1)
            tick("dW1 = dZ1ᵀ·X (gemm)")
            if o["db"] == "sum":
                s = dZ1.sum(axis=0)
            else:
                s = np.matmul(ones, dZ1, out=None if o["sums"] == "beta" else db1)
            if o["sums"] == "beta" and not first:
                db1 += s
            elif s is not db1:
                db1[...] = s
            tick("db1 = Σ dZ1")
        if not first and o["sums"] != "beta":
            for total, part in zip(grads, self.part):
                total += part
            tick("add the block's sums")
        return loss


class Epoch:
    """The gradient over all rows, as ``Propagation.evaluate``: blocks of
    ``rows``, one shard of rows per thread, BLAS on one thread."""

    def __init__(self, X, Y, params, rows, threads, **options):
        self.X, self.Y = X, Y
        (h, d), n_y = params[0].shape, Y.shape[1]
        self.params = params
        self.rows, self.threads = rows, threads
        self.blocks = [
            Block(rows, d, h, n_y, X.dtype, **options) for _ in range(threads)
        ]
        self.grads = [
            [
                np.empty((h, d), X.dtype),
                np.empty(h, X.dtype),
                np.empty((n_y, h), X.dtype),
                np.empty(n_y, X.dtype),
            ]
            for _ in range(threads)
        ]
        self.pool = ThreadPoolExecutor(threads - 1) if threads > 1 else None

    def shard(self, i, start, stop, weights, clock=None):
        loss = 0.0
        for a in range(start, stop, self.rows):
            b = min(a + self.rows, stop)
            loss += self.blocks[i].run(
                self.X[a:b], self.Y[a:b], *weights, self.grads[i], a == start, clock
            )
        return loss

    def __call__(self, clock=None):
        W1, b1, W2, b2 = self.params
        weights = np.ascontiguousarray(W1.T), b1, W2, b2
        n = self.X.shape[0]
        bounds = np.linspace(0, n, self.threads + 1).astype(int)
        with threadpool_limits(1, user_api="blas"):
            futures = [
                self.pool.submit(self.shard, i, bounds[i], bounds[i + 1], weights)
                for i in range(1, self.threads)
            ]
            loss = self.shard(0, bounds[0], bounds[1], weights, clock)
            for future in futures:
                loss += future.result()
        for other in self.grads[1:]:
            for total, part in zip(self.grads[0], other):
                total += part
        return loss

    def close(self):
        if self.pool:
            self.pool.shutdown()


def package_epoch(X, Y, params, block_bytes=None):
    """The package's own full-batch evaluation (``FullBatchLoss``)."""
    W1, b1, W2, b2 = params
    theta = net.pack(W1, b1, W2, b2)
    output = "sigmoid" if Y.shape[1] == 1 else "softmax"
    if block_bytes is not None:
        _blocks.BLOCK_BYTES = block_bytes
    fun = _blocks.FullBatchLoss(X, Y, None, 0.0, "tanh", output, W1.shape[0])
    stack = fun.__enter__()
    return lambda: stack(theta), fun


def blocked_floor(X, params, rows, threads):
    """The floor with the package's blocking: per block X·W1ᵀ, tanh, dZ1ᵀ·X
    (dZ1 any array), one shard per thread, BLAS on one thread."""
    W1 = params[0]
    W1T = np.ascontiguousarray(W1.T)
    h, d = W1.shape
    bufs = [
        (
            np.empty((rows, h), X.dtype),
            np.full((rows, h), 0.5, X.dtype),
            np.empty((h, d), X.dtype),
        )
        for _ in range(threads)
    ]
    pool = ThreadPoolExecutor(threads - 1) if threads > 1 else None
    bounds = np.linspace(0, X.shape[0], threads + 1).astype(int)

    def shard(i):
        Z1, dZ1, dW1 = bufs[i]
        for a in range(bounds[i], bounds[i + 1], rows):
            b = min(a + rows, bounds[i + 1])
            np.matmul(X[a:b], W1T, out=Z1[: b - a])
            np.tanh(Z1[: b - a], out=Z1[: b - a])
            np.matmul(dZ1[: b - a].T, X[a:b], out=dW1)

    def run():
        with threadpool_limits(1, user_api="blas"):
            futures = [pool.submit(shard, i) for i in range(1, threads)] if pool else []
            shard(0)
            for f in futures:
                f.result()

    return run


# --- the two reports --------------------------------------------------------------


def line_profile(X, Y, params, rows, repeats, **options):
    """Seconds per epoch of each line, one thread over all rows."""
    epoch = Epoch(X, Y, params, rows, 1, **options)
    totals = []
    for _ in range(repeats + 1):
        spent = {}
        last = [time.perf_counter()]

        def clock(name, spent=spent, last=last):
            now = time.perf_counter()
            spent[name] = spent.get(name, 0.0) + now - last[0]
            last[0] = time.perf_counter()

        epoch(clock)
        totals.append(spent)
    epoch.close()
    names = list(totals[-1])
    return {name: statistics.median(t[name] for t in totals[1:]) for name in names}


def check_same(X, Y, params, rows, threads):
    """Each variant's gradient against the package's (max relative error)."""
    run, fun = package_epoch(X, Y, params)
    _, grad = run()
    fun.__exit__(None, None, None)
    d, h, n_y = X.shape[1], params[0].shape[0], Y.shape[1]
    ref = net.unpack(grad * X.shape[0], d, h, n_y)
    errors = {}
    for name, options in VARIANTS.items():
        epoch = Epoch(X, Y, params, rows, threads, **options)
        epoch()
        epoch.close()
        errors[name] = max(
            float(np.max(np.abs(g - r)) / np.max(np.abs(r)))
            for g, r in zip(epoch.grads[0], (ref[0], ref[1], ref[2], ref[3]))
        )
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60_000)
    parser.add_argument("--d", type=int, default=50)
    parser.add_argument("--h", type=int, default=100)
    parser.add_argument("--k", type=int, default=2, help="classes")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument(
        "--block-kib",
        default="64,128,256,512,1024,2048",
        help="Z1 block sizes to try (KiB)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "profile.md")
    parser.add_argument("--quick", action="store_true", help="toy size")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.repeats, args.block_kib = 3000, 2, "64,1024"
    dtype = np.dtype(args.dtype)
    X, Y, params = problem(args.n, args.d, args.h, args.k, dtype)
    h = args.h
    rows = _blocks.block_rows(h, dtype.itemsize)  # the package's block
    threads = CORES
    started = time.perf_counter()
    load = Path("/proc/loadavg").read_text().split()[:3]

    # 1. line profile, one thread
    profile = line_profile(X, Y, params, rows, args.repeats)
    one_thread = sum(profile.values())
    floor_1 = blocked_floor(X, params, rows, 1)
    floor_times = interleaved({"floor 1": floor_1}, args.repeats)
    floor_lines = {"Z1 = X·W1ᵀ (gemm)", "A1 = tanh(Z1)", "dW1 = dZ1ᵀ·X (gemm)"}
    profile_rows = []
    for name, seconds in profile.items():
        mark = " (floor)" if name in floor_lines else ""
        profile_rows.append(
            f"| {name}{mark} | {seconds * 1e3:.3f} | {seconds / one_thread:.1%} |"
        )
    extra = one_thread - sum(profile[n] for n in floor_lines)

    # 2. whole epochs, all cores, interleaved
    tasks = {}
    pkg, fun = package_epoch(X, Y, params)
    tasks["package FullBatchLoss"] = lambda: pkg() and None
    tasks["floor (blocked, same blocks)"] = blocked_floor(X, params, rows, threads)
    epochs = {}
    for name, options in VARIANTS.items():
        epochs[name] = Epoch(X, Y, params, rows, threads, **options)
        tasks[name] = lambda e=epochs[name]: e() and None
    for kib in [int(v) for v in args.block_kib.split(",")]:
        r = int(np.clip(kib * 1024 // (h * dtype.itemsize), 64, 8192))
        r = min(r, -(-args.n // threads))
        if r != rows:
            name = f"baseline, blocks of {kib} KiB ({r} rows)"
            epochs[name] = Epoch(X, Y, params, r, threads)
            tasks[name] = lambda e=epochs[name]: e() and None
    tasks["baseline, one thread, BLAS on 2"] = _one_thread_blas_all(X, Y, params, rows)
    times = interleaved(tasks, args.repeats)
    fun.__exit__(None, None, None)
    for e in epochs.values():
        e.close()
    errors = check_same(X, Y, params, rows, threads)
    base = times["baseline (as _network.accumulate)"]
    variant_rows = [
        f"| {name} | {t * 1e3:.2f} | {base / t:.3f} | {errors[name]:.1e} |"
        if name in errors
        else f"| {name} | {t * 1e3:.2f} | {base / t:.3f} | |"
        for name, t in times.items()
    ]
    command = " ".join(sys.argv[1:] if argv is None else argv)
    label = f"{args.n}×{args.d}, h={h}, {args.k} classes, {args.dtype}"
    lines = [
        f"# Profile of a full-batch epoch: {label}",
        "",
        *machine_lines(),
        f"- Command: `python benchmarks/profile_epoch.py {command}`"
        f" ({time.perf_counter() - started:.0f} s); load average before: "
        f"{' '.join(load)}, after: "
        f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        f"- Blocks of {rows} rows (`_blocks.block_rows`: Z1 of "
        f"{rows * h * dtype.itemsize / 1024:.0f} KiB), {threads} threads",
        "",
        f"## Each line of a block, one thread, per epoch (median of {args.repeats})",
        "",
        f"One thread over all {args.n} rows (BLAS on one thread), a clock read "
        "after each line. The floor lines are the kernel floor's work; the "
        f"blocked floor alone (those three kernels, same blocks) took "
        f"{floor_times['floor 1'] * 1e3:.2f} ms on one thread.",
        "",
        "| line | ms per epoch | share |",
        "|---|---|---|",
        *profile_rows,
        f"| **total** | **{one_thread * 1e3:.2f}** | |",
        f"| beyond the floor's three lines | {extra * 1e3:.2f} "
        f"| {extra / one_thread:.1%} |",
        "",
        f"## Whole epochs on {threads} threads, interleaved (median of {args.repeats})",
        "",
        "Speed-up is the baseline's time over the row's (above 1: faster). "
        "'grad error': the largest difference from the package's gradient, "
        "relative to its largest entry.",
        "",
        "| epoch | ms | speed-up | grad error |",
        "|---|---|---|---|",
        *variant_rows,
        "",
    ]
    text = "\n".join(lines)
    print(text)
    write_results(args.out, text)
    return 0


def _one_thread_blas_all(X, Y, params, rows):
    """The baseline on one Python thread, BLAS on all cores."""
    epoch = Epoch(X, Y, params, rows, 1)

    def run():
        with threadpool_limits(CORES, user_api="blas"):
            W1, b1, W2, b2 = params
            weights = np.ascontiguousarray(W1.T), b1, W2, b2
            return epoch.shard(0, 0, X.shape[0], weights) and None

    return run


if __name__ == "__main__":
    sys.exit(main())
