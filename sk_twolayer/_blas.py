"""The BLAS libraries in the process, and their threads.

scipy's wheels bundle a BLAS of their own beside numpy's: two libraries, each
with its own threads. Between calls, a library's idle threads spin for a while
before they sleep, so when one library works while the other's threads spin,
they fight for the cores (an L-BFGS fit ran several times slower before
scipy's library was kept on one thread: benchmarks/design_measurements.md).
Our parallel sections also run BLAS on one thread per core, each of our
threads being its own caller.

Thread counts are global to the process, and a user may fit or predict from
several threads at once: :func:`blas_on_one_thread` counts, per library, the
sections that want it on one thread; the first to start sets the limit and
the last to end restores it, so no interleaving of sections can leave a
library changed.

:func:`add_scaled` is BLAS's ``axpy``, ``y += a·x`` in one pass without a
temporary for ``a·x``: the optimisers' updates and the L2 term of a
mini-batch are made of it. :func:`add_to_rows`, :func:`product_into` and
:func:`matmul_into` are the products and broadcasts of ``_network``'s
equations, dispatched to BLAS where it is faster and to NumPy elsewhere
(thresholds measured in ``benchmarks/design_measurements.md``).
"""

import math
import os
import threading
from collections import Counter
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from scipy.linalg import get_blas_funcs
from sklearn.utils.extmath import safe_sparse_dot
from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _libraries():
    """threadpoolctl's controller of each BLAS library loaded, by file path."""
    blas = ThreadpoolController().select(user_api="blas")
    return {
        c.filepath: blas.select(filepath=[c.filepath]) for c in blas.lib_controllers
    }


@lru_cache(maxsize=1)
def scipy_own_blas():
    """File paths of scipy's bundled BLAS when it is a library apart from
    numpy's (as in the wheels); empty when the two share one."""
    paths = list(_libraries())
    if len(paths) < 2:
        return ()
    return tuple(
        p for p in paths if any(d.startswith("scipy") for d in Path(p).parts[-3:-1])
    )


def available_threads():
    """How many threads to use: as many as numpy's BLAS would (which follows
    ``OMP_NUM_THREADS``, ``threadpoolctl`` limits and joblib's workers), at
    most the cores this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    own = scipy_own_blas()
    blas = [
        c.num_threads
        for path, controller in _libraries().items()
        if path not in own
        for c in controller.lib_controllers
    ]
    return max(1, min([cores, *blas]))


_lock = threading.Lock()
_users = Counter()
_limiters = {}


@contextmanager
def blas_on_one_thread(paths=None):
    """The BLAS libraries ``paths`` (all when None) on one thread while the
    section runs (reference-counted per library, see the module's text)."""
    libraries = _libraries()
    paths = tuple(libraries) if paths is None else tuple(paths)
    with _lock:
        for path in paths:
            if _users[path] == 0:
                _limiters[path] = libraries[path].limit(limits=1)
            _users[path] += 1
    try:
        yield
    finally:
        with _lock:
            for path in paths:
                _users[path] -= 1
                if _users[path] == 0:
                    _limiters.pop(path).restore_original_limits()


@cache
def blas_function(name, dtype):
    """scipy's BLAS routine ``name`` for ``dtype`` (looked up once)."""
    return get_blas_funcs(name, dtype=dtype)


def dot(x, y):
    """``xᵀy`` of two 1-D contiguous float vectors of one type, as a float,
    by scipy's BLAS (numpy's ``x @ y`` for other arrays).

    Kept beside :func:`add_scaled` for the same reason: an optimiser that
    alternates scipy's axpy with numpy's dot keeps both libraries' threads
    awake, and on vectors long enough for numpy's to use several threads
    each pair of calls took milliseconds instead of microseconds
    (benchmarks/design_measurements.md). In the library held on one
    thread (:func:`blas_on_one_thread`), the sum is also the same whatever
    numpy's thread count. BLAS's float32 dot sums in float32: a sum beyond
    its range (3.4e38) is taken again in float64.
    """
    if (
        x.dtype == y.dtype
        and x.dtype.char in "fd"
        and x.ndim == y.ndim == 1
        and x.flags.c_contiguous
        and y.flags.c_contiguous
    ):
        total = float(blas_function("dot", x.dtype)(x, y))
        if math.isfinite(total) or x.dtype != np.float32:
            return total
        return float(blas_function("dot", np.float64)(x.astype(float), y.astype(float)))
    return float(x @ y)


def norm(x):
    """‖x‖₂ by BLAS's nrm2, which scales as it sums (no overflow or
    underflow of the squares), as a float."""
    if x.dtype.char in "fd" and x.ndim == 1 and x.flags.c_contiguous:
        return float(blas_function("nrm2", x.dtype)(x))
    return float(np.linalg.norm(x))


def add_scaled(y, a, x):
    """``y += a·x``, in place, for a float ``a``.

    BLAS's axpy reads and writes once (NumPy's ``y += a * x`` makes ``a·x``
    first, a second pass; see benchmarks/design_measurements.md). Arrays that
    axpy cannot update in place (not 1-D contiguous floats of one type) take
    NumPy's lines.
    """
    if (
        y.dtype == x.dtype
        and y.dtype.char in "fd"
        and y.ndim == 1
        and y.shape == x.shape
        and y.flags.c_contiguous
        and x.flags.c_contiguous
        and blas_function("axpy", y.dtype)(x, y, x.size, a) is y
    ):
        return y
    y += a * x
    return y


# --- the products and broadcasts of the equations ------------------------------
# Adding b1 to every row of Z1, and dZ2·W2 (an outer product when there is one
# output unit), are where NumPy's broadcasting machinery costs most beside the
# arithmetic: at a mini-batch's or a block's size scipy's BLAS does them
# faster; below the thresholds NumPy's own call is the quicker, and it does
# anything that is not a C-contiguous float array (measured in
# benchmarks/design_measurements.md).

#: Elements of Z from which add_to_rows, and of the product from which
#: product_into, call BLAS.
MIN_BLAS_ADD, MIN_BLAS_PRODUCT = 2048, 8192

#: Up to this many dense rows, X·Wᵀ reads W as it is: a C-contiguous copy of
#: Wᵀ costs more than it saves (benchmarks/design_measurements.md).
MAX_ROWS_WITHOUT_COPY = 8


def transpose_ready(X, W):
    """W laid out for X·Wᵀ: a copy whose transpose is C-contiguous (BLAS
    multiplies by it faster than by the transposed view), except for a few
    dense rows of X. The values are W's either way."""
    if isinstance(X, np.ndarray) and X.shape[0] <= MAX_ROWS_WITHOUT_COPY:
        return W
    return np.ascontiguousarray(W.T).T


def add_to_rows(Z, b, ones=None):
    """Z + b on every row of Z, in place, as BLAS's rank-one update
    Zᵀ := Zᵀ + b·1ᵀ when ``ones`` (a vector of Z's rows) is given.

    Without ``ones`` (prediction, whose weights a user may set by hand) a
    wider ``b`` widens the result, as NumPy's ``Z + b``; the result is
    returned either way."""
    if ones is None:
        return np.add(Z, b, out=Z if Z.dtype == np.result_type(Z, b) else None)
    if Z.size >= MIN_BLAS_ADD and _blas_ready(Z, b, ones):
        Zt = Z.T  # F-contiguous: BLAS updates it where it is
        if blas_function("ger", Z.dtype)(1.0, b, ones, a=Zt, overwrite_a=True) is Zt:
            return Z
    Z += b
    return Z


def product_into(A, B, out):
    """A·B into ``out``, as BLAS's Outᵀ := Bᵀ·Aᵀ (no copy of any of them)."""
    if out.size >= MIN_BLAS_PRODUCT and _blas_ready(out, A, B):
        gemm = blas_function("gemm", out.dtype)
        Ot = out.T
        if gemm(1.0, B.T, A.T, beta=0.0, c=Ot, overwrite_c=True) is Ot:
            return out
    if out.flags.c_contiguous and out.dtype == np.result_type(A, B):
        return np.dot(A, B, out=out)  # np.matmul is slow for an outer product
    return np.matmul(A, B, out=out)


def _blas_ready(out, A, B):
    """Whether BLAS can write ``out`` in place and read A and B as they are:
    C-contiguous arrays of one float type."""
    return (
        out.dtype.char in "fd"
        and out.flags.c_contiguous
        and A.dtype == out.dtype
        and B.dtype == out.dtype
        and A.flags.c_contiguous
        and B.flags.c_contiguous
    )


def matmul_into(A, B, out=None):
    """A·B, for dense or sparse A or B, into ``out`` when given (without
    ``out``, B is dense and so is the product)."""
    if out is None:
        return A @ B  # the operator costs less than np.matmul's call
    if isinstance(A, np.ndarray) and isinstance(B, np.ndarray):
        return np.matmul(A, B, out=out)
    out[...] = safe_sparse_dot(A, B, dense_output=True)
    return out
