"""scikit-learn's estimator checks, for both estimators, every activation and
every solver.

No expected failures and no skip, poor_score or non_deterministic tags: every
check runs and must pass.
"""

import itertools

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor

ACTIVATIONS = ("tanh", "sigmoid", "relu")
SOLVERS = ("lbfgs", "gd", "sgd", "adam")

ESTIMATORS = [
    Estimator(activation=activation, solver=solver)
    for Estimator in (TwoLayerClassifier, TwoLayerRegressor)
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


def test_regressor_tags_are_honest():
    tags = TwoLayerRegressor().__sklearn_tags__()
    assert not tags.regressor_tags.poor_score
    assert not tags.non_deterministic
    assert not tags._skip_test
    assert tags.input_tags.sparse
    assert tags.target_tags.multi_output and tags.target_tags.single_output
