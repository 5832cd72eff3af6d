"""The BLAS libraries in the process, and their threads.

scipy's wheels bundle a BLAS of their own beside numpy's: two libraries, each
with its own threads. Between calls, a library's idle threads spin for a while
before they sleep, so when one library works while the other's threads spin,
they fight for the cores (on 2 cores an L-BFGS fit ran 1.6× to 6× slower
before scipy's library was kept on one thread). Our parallel sections also
run BLAS on one thread per core, each of our threads being its own caller.

Thread counts are global to the process, and a user may fit or predict from
several threads at once: :func:`blas_on_one_thread` counts, per library, the
sections that want it on one thread; the first to start sets the limit and
the last to end restores it, so no interleaving of sections can leave a
library changed.

:func:`add_scaled` is BLAS's ``axpy``, ``y += a·x`` in one pass without a
temporary for ``a·x``: the optimisers' updates and the L2 term of a
mini-batch are made of it.
"""

import os
import threading
from collections import Counter
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path

from scipy.linalg import get_blas_funcs
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


def add_scaled(y, a, x):
    """``y += a·x``, in place, for a float ``a``.

    BLAS's axpy reads and writes once (NumPy's ``y += a * x`` makes ``a·x``
    first): on the optimisers' 5 201-element vectors 1.6 µs against 2.6 µs
    for each of NumPy's two calls on the 2-core benchmark machine. Arrays
    that axpy cannot update in place (not 1-D contiguous floats of one type)
    take NumPy's lines.
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
