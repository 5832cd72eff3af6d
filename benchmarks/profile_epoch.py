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

import _common
import numpy as np
from _common import machine_lines, write_results
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
    "bias: Z1 += b1 (numpy broadcast)": {"bias": "numpy"},
    "bias: Z1 += B, a block of b1 rows made once": {"bias": "full"},
    "bias: Z1 := b1 (fill), gemm beta=1": {"bias": "gemm"},
    "bias and db1 in the products: X block beside a column of 1s": {"bias": "ones"},
    "dZ2·W2 by np.dot (releases the GIL)": {"outer": "dot"},
    "dZ2·W2 by np.multiply broadcast": {"outer": "numpy"},
    "g′ folded: dZ1 −= dZ1∗A1²": {"gprime": "fold"},
    "db1 by np.sum(axis=0)": {"db": "sum"},
    "block sums by gemm beta=1 (no buffer, no add)": {"sums": "beta"},
    "Z2, dW2 by scipy gemv": {"small": "gemv"},
    "loss over a shard's logits at once, not per block": {"loss": "shard"},
    "no scipy BLAS (GIL released): Z1 += b1, np.dot": {"bias": "numpy", "outer": "dot"},
    "no scipy BLAS (GIL released): Z1 += B, np.dot": {"bias": "full", "outer": "dot"},
}
#: Variants also timed at every block size of ``--block-kib``.
SWEPT = [
    "baseline (as _network.accumulate)",
    "no scipy BLAS (GIL released): Z1 += B, np.dot",
]


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
            "loss": "block",
            **options,
        }
        self.Z1 = np.empty((rows, h), dtype)
        self.dZ1 = np.empty((rows, h), dtype)
        self.Z2 = np.empty((rows, n_y), dtype)
        self.ones = np.ones(rows, dtype)
        self.Xa = np.ones((rows, d + 1), dtype) if self.o["bias"] == "ones" else None
        self.B = np.empty((rows, h), dtype) if self.o["bias"] == "full" else None
        self.part = [np.empty((h, d), dtype), np.empty(h, dtype)]
        self.part += [np.empty((n_y, h), dtype), np.empty(n_y, dtype)]
        blas = {name: get_blas_funcs(name, dtype=dtype) for name in ("ger", "gemm")}
        self.ger, self.gemm = blas["ger"], blas["gemm"]
        self.gemv = get_blas_funcs("gemv", dtype=dtype)

    def run(self, X, Y, W1T, b1, W2, b2, grads, first, clock=None, logits=None):
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
            elif o["bias"] == "full":
                Z1 += self.B[:m]
            else:
                Z1 += b1
            tick("Z1 += b1")
        A1 = np.tanh(Z1, out=Z1)
        tick("A1 = tanh(Z1)")
        if o["small"] == "gemv" and Z2.shape[1] == 1:
            self.gemv(1.0, A1.T, W2[0], trans=1, y=Z2[:, 0], overwrite_y=True)
        else:
            np.matmul(A1, W2.T, out=Z2 if logits is None else logits)
        if logits is not None:  # kept for the loss of the whole shard
            Z2 = logits
        Z2 += b2
        tick("Z2 = A1·W2ᵀ + b2")
        loss = 0.0
        if logits is None:
            output = "sigmoid" if Z2.shape[1] == 1 else "softmax"
            loss = net.total_loss(Z2, Y, None, output)
            tick("loss (cross-entropy sum)")
        output = net.sigmoid if Z2.shape[1] == 1 else net.softmax
        A2 = output(Z2, out=self.Z2[:m])
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
        elif o["outer"] == "dot":
            np.dot(dZ2, W2, out=dZ1)
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
        self.logits = None
        if options.get("loss") == "shard":
            self.logits = np.empty((X.shape[0], n_y), X.dtype)

    def shard(self, i, start, stop, weights, clock=None):
        loss = 0.0
        block = self.blocks[i]
        shard_logits = self.logits is not None
        for a in range(start, stop, self.rows):
            b = min(a + self.rows, stop)
            logits = self.logits[a:b] if shard_logits else None
            loss += block.run(
                self.X[a:b],
                self.Y[a:b],
                *weights,
                self.grads[i],
                a == start,
                clock,
                logits,
            )
        if shard_logits:  # the loss of the shard's rows at once
            output = "sigmoid" if self.Y.shape[1] == 1 else "softmax"
            Z2, Y = self.logits[start:stop], self.Y[start:stop]
            loss = net.total_loss(Z2, Y, None, output)
            if clock:
                clock("loss (cross-entropy sum)")
        return loss

    def __call__(self, clock=None):
        W1, b1, W2, b2 = self.params
        weights = np.ascontiguousarray(W1.T), b1, W2, b2
        n = self.X.shape[0]
        bounds = np.linspace(0, n, self.threads + 1).astype(int)
        for block in self.blocks:  # once per epoch, like W1ᵀ
            if block.B is not None:
                block.B[...] = b1
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
    return {name: min(t[name] for t in totals[1:]) for name in names}


def fastest(tasks, repeats):
    """Like ``_common.interleaved`` (round-robin, order reversed every other
    round, a pause before each run), but the *fastest* run of each task and
    the median: on a shared machine the minimum is the run least disturbed."""
    names = list(tasks)
    times = {name: [] for name in names}
    for round_ in range(repeats + 1):
        for name in names if round_ % 2 == 0 else names[::-1]:
            time.sleep(_common.SETTLE)
            start = time.perf_counter()
            tasks[name]()
            if round_:
                times[name].append(time.perf_counter() - start)
    return {n: (min(t), statistics.median(t)) for n, t in times.items()}


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
    with threadpool_limits(1, user_api="blas"):
        profile = line_profile(X, Y, params, rows, args.repeats)
    one_thread = sum(profile.values())
    floor_1 = blocked_floor(X, params, rows, 1)
    with threadpool_limits(1, user_api="blas"):
        floor_times = {
            k: v[0] for k, v in fastest({"floor 1": floor_1}, args.repeats).items()
        }
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
        if threads > 1:
            one = epochs[f"{name} [1]"] = Epoch(X, Y, params, rows, 1, **options)
            tasks[f"{name} [1]"] = lambda e=one: e() and None
    for kib in [int(v) for v in args.block_kib.split(",")]:
        r = int(np.clip(kib * 1024 // (h * dtype.itemsize), 64, 8192))
        r = min(r, -(-args.n // threads))
        for base_name in SWEPT if r != rows else []:
            name = f"{base_name}, blocks of {kib} KiB ({r} rows)"
            epochs[name] = Epoch(X, Y, params, r, threads, **VARIANTS[base_name])
            tasks[name] = lambda e=epochs[name]: e() and None
    r = l2_rows(args.d, h, dtype.itemsize)
    for base_name in SWEPT:
        name = f"{base_name}, L2 rule ({r} rows)"
        epochs[name] = Epoch(X, Y, params, r, threads, **VARIANTS[base_name])
        tasks[name] = lambda e=epochs[name]: e() and None
    with threadpool_limits(1, user_api="blas"):
        both = fastest(tasks, args.repeats)
    times = {name: t[0] for name, t in both.items()}
    fun.__exit__(None, None, None)
    for e in epochs.values():
        e.close()
    errors = check_same(X, Y, params, rows, threads)
    with threadpool_limits(1, user_api="blas"):
        scaling = two_thread_scaling(rows, h, args.d, dtype, repeats=args.repeats)
    scaling_rows = [
        f"| {name} | {t * 1e6:.1f} | {x:.2f} |" for name, (t, x) in scaling.items()
    ]
    base = times["baseline (as _network.accumulate)"]
    variant_rows = []
    for name, t in times.items():
        if name.endswith(" [1]"):
            continue
        one = times.get(f"{name} [1]")
        variant_rows.append(
            f"| {name} | {t * 1e3:.2f} | {both[name][1] * 1e3:.2f} "
            f"| {base / t:.3f} | {'' if one is None else f'{one * 1e3:.2f}'} "
            f"| {'' if one is None else f'{one / t:.2f}'} "
            f"| {f'{errors[name]:.1e}' if name in errors else ''} |"
        )
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
        f"## Each line of a block, one thread, per epoch (fastest of {args.repeats})",
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
        f"## Whole epochs on {threads} threads, interleaved ({args.repeats} runs each)",
        "",
        "Speed-up is the baseline's time over the row's (above 1: faster); "
        "scaling: the same epoch on one thread over all threads (2 = perfect "
        "use of 2 cores; what the GIL, held by scipy's BLAS wrappers and by "
        "Python between NumPy calls, and shared caches take from it). "
        "'grad error': the largest difference from the package's gradient, "
        "relative to its largest entry.",
        "",
        "| epoch | fastest ms | median ms | speed-up (fastest) "
        "| one thread, fastest ms | scaling (1 thread / all) | grad error |",
        "|---|---|---|---|---|---|---|",
        *variant_rows,
        "",
        f"## One block's calls on two threads at once ({rows} rows)",
        "",
        "Each call 40 times on one thread, then 40 times on each of two threads "
        "at once (own arrays); scaling = 2 × one-thread time / two-thread "
        "time: 2 is parallel, 1 serialized. scipy's BLAS wrappers "
        "(`get_blas_funcs`) hold the GIL while they compute (the module imports "
        "no `PyEval_SaveThread`); NumPy's calls release it. Only meaningful "
        "on a quiet machine: compare with the control rows (matmul, tanh).",
        "",
        "| call | one thread µs | scaling on 2 threads |",
        "|---|---|---|",
        *scaling_rows,
        "",
    ]
    text = "\n".join(lines)
    print(text)
    write_results(args.out, text)
    return 0


def two_thread_scaling(rows, h, d, dtype, n_calls=40, repeats=30):
    """Each candidate call for one block's line, on one thread and on two
    threads at once (each its own arrays): scaling 2 means the two run in
    parallel, 1 that they are serialized (scipy's f2py BLAS wrappers keep
    the GIL while they compute; NumPy releases it)."""
    rng = np.random.RandomState(0)
    Z = [rng.standard_normal((rows, h)).astype(dtype) * 0.1 for _ in range(2)]
    b1, ones = rng.standard_normal(h).astype(dtype), np.ones(rows, dtype)
    dZ2, W2 = (
        rng.standard_normal((rows, 1)).astype(dtype),
        rng.standard_normal((1, h)).astype(dtype),
    )
    dZ2k, W2k = (
        rng.standard_normal((rows, 10)).astype(dtype),
        rng.standard_normal((10, h)).astype(dtype),
    )
    X, W1T = (
        rng.standard_normal((rows, d)).astype(dtype),
        rng.standard_normal((d, h)).astype(dtype),
    )
    ger, gemm = get_blas_funcs("ger", dtype=dtype), get_blas_funcs("gemm", dtype=dtype)
    calls = {
        "Z1 += b1 by scipy ger": lambda i: ger(
            1.0, b1, ones, a=Z[i].T, overwrite_a=True
        ),
        "Z1 += b1 by numpy": lambda i: np.add(Z[i], b1, out=Z[i]),
        "dZ2·W2, 1 output, scipy gemm": lambda i: gemm(
            1.0, W2.T, dZ2.T, c=Z[i].T, overwrite_c=True
        ),
        "dZ2·W2, 1 output, np.dot": lambda i: np.dot(dZ2, W2, out=Z[i]),
        "dZ2·W2, 10 outputs, scipy gemm": lambda i: gemm(
            1.0, W2k.T, dZ2k.T, c=Z[i].T, overwrite_c=True
        ),
        "dZ2·W2, 10 outputs, np.matmul": lambda i: np.matmul(dZ2k, W2k, out=Z[i]),
        "X·W1ᵀ, np.matmul": lambda i: np.matmul(X, W1T, out=Z[i]),
        "tanh": lambda i: np.tanh(Z[i], out=Z[i]),
    }
    best = {name: [np.inf, np.inf] for name in calls}
    with ThreadPoolExecutor(1) as pool:
        for _ in range(repeats):
            for name, call in calls.items():

                def loop(i, call=call):
                    for _ in range(n_calls):
                        call(i)

                start = time.perf_counter()
                loop(0)
                best[name][0] = min(best[name][0], time.perf_counter() - start)
                start = time.perf_counter()
                other = pool.submit(loop, 1)
                loop(0)
                other.result()
                best[name][1] = min(best[name][1], time.perf_counter() - start)
    return {name: (t1 / n_calls, 2 * t1 / t2) for name, (t1, t2) in best.items()}


def l2_bytes():
    """A core's L2 cache in bytes (Linux sysfs), 1 MiB when unknown."""
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        if level == "2" and kind in ("Unified", "Data") and size.endswith("K"):
            return int(size[:-1]) * 1024
    return 1 << 20


def l2_rows(d, h, itemsize):
    """Rows whose Z1, dZ1 and X rows fill half a core's L2 cache (the rule a
    principled block size could follow)."""
    return int(np.clip(l2_bytes() // 2 // ((2 * h + d) * itemsize), 64, 8192))


if __name__ == "__main__":
    sys.exit(main())
