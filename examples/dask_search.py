"""Grid search over ``n_hidden`` and ``alpha`` on a Dask cluster.

GridSearchCV hands its fits to joblib; inside
``joblib.parallel_config(backend="dask")`` joblib sends them to the Dask
cluster of the current ``distributed.Client`` instead of local processes.
Nothing else changes: the script runs the same search locally (``n_jobs=1``,
or ``--local-n-jobs``) and on the cluster, and checks that every score in
``cv_results_`` is the same.

    python examples/dask_search.py                  # a local cluster, 2 workers
    python examples/dask_search.py --scheduler tcp://HOST:8786   # a running one
    python examples/dask_search.py --quick          # toy size (the smoke test)

The workers must be able to import sk_twolayer (install it there too). Needs
the dask extra: ``pip install -e ".[dask]"``. Sample output (2-core machine,
local cluster of 2 single-threaded worker processes)::

    digits: 1797 x 64, GridSearchCV over 3 n_hidden x 3 alpha, 5-fold: 45 fits
    local search (n_jobs=1): 7.6 s
    cluster: 2 workers, ready in 1.6 s
    Dask search: 7.5 s

    | n_hidden | alpha | mean test score, local | on Dask |
    |---|---|---|---|
    | 16 | 0.1 | 0.9694 | 0.9694 |
    ...
    | 64 | 10.0 | 0.9755 | 0.9755 |

    best: {'twolayerclassifier__alpha': 1.0, 'twolayerclassifier__n_hidden': 64} \
(local), {...} (Dask)
    all 8 score columns of cv_results_ identical: True
"""

import argparse
import contextlib
import sys
import time

import joblib
import numpy as np
from distributed import Client, LocalCluster
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower


def problem(quick):
    """The data and the (unfitted) search."""
    if quick:
        X, y = make_flower(random_state=1)
        name, cv = "flower", 3
        hidden, alphas = [4, 8], [0.5, 2.0]
        model = TwoLayerClassifier(max_iter=1000, random_state=0)
    else:
        X, y = load_digits(return_X_y=True)
        name, cv = "digits", 5
        hidden, alphas = [16, 32, 64], [0.1, 1.0, 10.0]
        model = TwoLayerClassifier(random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), model),
        {"twolayerclassifier__n_hidden": hidden, "twolayerclassifier__alpha": alphas},
        # Shuffled: the flower comes ordered by class and angle.
        cv=StratifiedKFold(n_splits=cv, shuffle=True, random_state=0),
    )
    n_fits = len(hidden) * len(alphas) * cv
    print(
        f"{name}: {X.shape[0]} x {X.shape[1]}, GridSearchCV over {len(hidden)} "
        f"n_hidden x {len(alphas)} alpha, {cv}-fold: {n_fits} fits",
        flush=True,
    )
    return X, y, search


def score_keys(cv_results):
    """The keys of cv_results_ that hold scores or ranks (not times)."""
    return [k for k in cv_results if "score" in k and not k.endswith("_time")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scheduler",
        help="address of a running Dask scheduler (default: start a LocalCluster)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes of the LocalCluster"
    )
    parser.add_argument(
        "--local-n-jobs",
        type=int,
        default=1,
        help="n_jobs of the local search (joblib's process pool when > 1)",
    )
    parser.add_argument("--quick", action="store_true", help="toy size")
    args = parser.parse_args(argv)
    X, y, search = problem(args.quick)

    start = time.perf_counter()
    local = clone(search).set_params(n_jobs=args.local_n_jobs).fit(X, y)
    local_seconds = time.perf_counter() - start
    print(
        f"local search (n_jobs={args.local_n_jobs}): {local_seconds:.1f} s", flush=True
    )

    with contextlib.ExitStack() as stack:
        start = time.perf_counter()
        if args.scheduler:
            client = stack.enter_context(Client(args.scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=args.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))
        n_workers = len(client.scheduler_info()["workers"])
        print(
            f"cluster: {n_workers} workers, ready in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        start = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            remote = clone(search).fit(X, y)
        dask_seconds = time.perf_counter() - start
        print(f"Dask search: {dask_seconds:.1f} s", flush=True)

    params = local.cv_results_["params"]
    print("\n| n_hidden | alpha | mean test score, local | on Dask |")
    print("|---|---|---|---|")
    for i, p in enumerate(params):
        print(
            f"| {p['twolayerclassifier__n_hidden']} | {p['twolayerclassifier__alpha']} "
            f"| {local.cv_results_['mean_test_score'][i]:.4f} "
            f"| {remote.cv_results_['mean_test_score'][i]:.4f} |"
        )
    keys = score_keys(local.cv_results_)
    same = score_keys(remote.cv_results_) == keys and all(
        np.array_equal(local.cv_results_[k], remote.cv_results_[k]) for k in keys
    )
    print(f"\nbest: {local.best_params_} (local), {remote.best_params_} (Dask)")
    print(f"all {len(keys)} score columns of cv_results_ identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
