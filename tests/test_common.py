"""scikit-learn's estimator checks, for every activation and solver.

No expected failures and no skip, poor_score or non_deterministic tags: every
check runs and must pass.
"""

import itertools

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_twolayer import TwoLayerClassifier

ACTIVATIONS = ("tanh", "sigmoid", "relu")
SOLVERS = ("lbfgs", "gd", "sgd", "adam")

ESTIMATORS = [
    TwoLayerClassifier(activation=activation, solver=solver)
    for activation, solver in itertools.product(ACTIVATIONS, SOLVERS)
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_tags_are_honest():
    tags = TwoLayerClassifier().__sklearn_tags__()
    assert not tags.classifier_tags.poor_score
    assert not tags.non_deterministic
    assert not tags._skip_test
    assert tags.input_tags.sparse
    assert tags.classifier_tags.multi_label
