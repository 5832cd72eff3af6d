"""Make ``float_alpha_38ae0b7.npz``: the weights of fits with an explicit
float ``alpha`` from the code before ``alpha="auto"`` (main at 38ae0b7).

    git archive 38ae0b7 sk_twolayer | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old python tests/data/make_float_alpha_fixture.py OUT.npz

``tests/test_auto_alpha.py`` fits the same cases with today's code.
"""

import sys
import warnings

import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

#: name: (TwoLayerClassifier parameters, data set)
CASES = {
    "gd_course": (
        {
            "n_hidden": 4,
            "solver": "gd",
            "learning_rate": 1.2,
            "init": 0.01,
            "alpha": 0.0,
            "max_iter": 500,
            "random_state": 2,
        },
        "flower",
    ),
    "gd_alpha": (
        {
            "n_hidden": 4,
            "solver": "gd",
            "alpha": 2.0,
            "max_iter": 100,
            "random_state": 0,
        },
        "flower",
    ),
    "sgd": (
        {
            "n_hidden": 8,
            "solver": "sgd",
            "alpha": 1.0,
            "max_iter": 20,
            "random_state": 0,
        },
        "iris",
    ),
    "adam": (
        {
            "n_hidden": 8,
            "solver": "adam",
            "alpha": 1.0,
            "max_iter": 20,
            "random_state": 0,
        },
        "iris",
    ),
    "lbfgs_no_rel": (
        {
            "n_hidden": 8,
            "alpha": 2.0,
            "max_iter": 50,
            "n_iter_no_change": np.inf,
            "random_state": 0,
        },
        "iris",
    ),
}


def data(name):
    from sk_twolayer.datasets import make_flower

    if name == "flower":
        return make_flower(random_state=1)
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def fits():
    """``{case.W1_: array, ...}`` for every case, with the code imported."""
    from sk_twolayer import TwoLayerClassifier

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case, (params, name) in CASES.items():
            clf = TwoLayerClassifier(**params).fit(*data(name))
            for attr in ("W1_", "b1_", "W2_", "b2_"):
                out[f"{case}.{attr}"] = getattr(clf, attr)
    return out


if __name__ == "__main__":
    np.savez(sys.argv[1], **fits())
