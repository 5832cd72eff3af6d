"""TwoLayerClassifier and TwoLayerRegressor inside scikit-learn's
meta-estimators and tools, and sample weights routed to them by metadata
routing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_iris, make_friedman1
from sklearn.ensemble import (
    BaggingClassifier,
    BaggingRegressor,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_validate,
    learning_curve,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor, make_flower

PARAMS = ("W1_", "b1_", "W2_", "b2_")


def split(X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def iris():
    return split(*load_iris(return_X_y=True))


@pytest.fixture(scope="module")
def cancer():
    return split(*load_breast_cancer(return_X_y=True))


@pytest.fixture(scope="module")
def flower():
    X, y = make_flower(random_state=1)
    # Weights that move the decision boundary: class 1 counts four times.
    return X, y, np.where(y == 1, 4.0, 1.0)


def net(**params):
    return TwoLayerClassifier(random_state=0, **params)


def assert_same_weights(a, b):
    for name in PARAMS:
        assert_array_equal(getattr(a, name), getattr(b, name))


def assert_probabilities(P, n_samples, n_classes):
    assert P.shape == (n_samples, n_classes)
    assert np.all((P >= 0) & (P <= 1))
    assert_allclose(P.sum(axis=1), 1.0)


# ------------------------------------------------------- metadata routing


def test_routed_weights_in_a_pipeline_equal_weights_passed_directly(flower):
    X, y, w = flower
    Xs = StandardScaler().fit_transform(X)
    direct = net().fit(Xs, y, sample_weight=w)
    assert not np.allclose(direct.W1_, net().fit(Xs, y).W1_)  # weights matter
    with config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            net().set_fit_request(sample_weight=True),
        )
        assert_same_weights(pipe.fit(X, y, sample_weight=w)[-1], direct)
        # Each step gets what it asks for: here the scaler, not the network.
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=True),
            net().set_fit_request(sample_weight=False),
        )
        Xw = StandardScaler().fit(X, sample_weight=w).transform(X)
        assert_same_weights(pipe.fit(X, y, sample_weight=w)[-1], net().fit(Xw, y))
        # A network that was not asked is an error, not silently dropped weights.
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=True), net()
        )
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            pipe.fit(X, y, sample_weight=w)


def test_routed_weights_in_grid_search_equal_a_manual_loop(flower):
    X, y, w = flower
    X = StandardScaler().fit_transform(X)
    cv = KFold(3, shuffle=True, random_state=0)
    grid = {"n_hidden": [2, 8]}
    with config_context(enable_metadata_routing=True):
        est = net().set_fit_request(sample_weight=True)
        est.set_score_request(sample_weight=True)
        search = GridSearchCV(est, grid, cv=cv).fit(X, y, sample_weight=w)
    for j, n_hidden in enumerate(grid["n_hidden"]):
        for i, (train, test) in enumerate(cv.split(X, y)):
            model = net(n_hidden=n_hidden).fit(
                X[train], y[train], sample_weight=w[train]
            )
            score = model.score(X[test], y[test], sample_weight=w[test])
            assert search.cv_results_[f"split{i}_test_score"][j] == score
    best = net(**search.best_params_).fit(X, y, sample_weight=w)
    assert_same_weights(search.best_estimator_, best)


def test_routed_weights_in_cross_validate_equal_a_manual_loop(flower):
    X, y, w = flower
    X = StandardScaler().fit_transform(X)
    cv = KFold(3, shuffle=True, random_state=0)
    with config_context(enable_metadata_routing=True):
        est = net().set_fit_request(sample_weight=True)
        est.set_score_request(sample_weight=True)
        result = cross_validate(
            est, X, y, params={"sample_weight": w}, cv=cv, return_estimator=True
        )
        unweighted = cross_validate(net(), X, y, cv=cv)
    assert not np.allclose(result["test_score"], unweighted["test_score"])
    for i, (train, test) in enumerate(cv.split(X, y)):
        model = net().fit(X[train], y[train], sample_weight=w[train])
        assert_same_weights(result["estimator"][i], model)
        score = model.score(X[test], y[test], sample_weight=w[test])
        assert result["test_score"][i] == score


# -------------------------------------------------------- meta-estimators


def test_calibrated_classifier_cv(cancer):
    X_train, X_test, y_train, y_test = cancer
    calibrated = CalibratedClassifierCV(net(), cv=3).fit(X_train, y_train)
    assert len(calibrated.calibrated_classifiers_) == 3
    assert_probabilities(calibrated.predict_proba(X_test), len(X_test), 2)
    assert calibrated.score(X_test, y_test) > 0.93  # chance: 0.63


def test_bagging_classifier(iris):
    X_train, X_test, y_train, y_test = iris
    bagging = BaggingClassifier(net(), n_estimators=5, random_state=0)
    bagging.fit(X_train, y_train)
    members = bagging.estimators_
    assert len(members) == 5 and all(isinstance(m, TwoLayerClassifier) for m in members)
    assert not np.array_equal(members[0].W1_, members[1].W1_)  # other bootstraps
    # Each bootstrap arrives as integer sample weights: the network of the
    # drawn rows, repeated as drawn.
    rows = bagging.estimators_samples_[0]
    assert_same_weights(members[0], clone(members[0]).fit(X_train[rows], y_train[rows]))
    assert_probabilities(bagging.predict_proba(X_test), len(X_test), 3)
    assert bagging.score(X_test, y_test) > 0.9  # chance: 0.33


def test_soft_voting_classifier_averages_the_probabilities(iris):
    X_train, X_test, y_train, y_test = iris
    voting = VotingClassifier(
        [("net", net()), ("lr", LogisticRegression())], voting="soft"
    ).fit(X_train, y_train)
    P = voting.predict_proba(X_test)
    assert_probabilities(P, len(X_test), 3)
    members = [e.predict_proba(X_test) for e in voting.estimators_]
    assert_allclose(P, np.mean(members, axis=0))
    assert voting.score(X_test, y_test) > 0.9


def test_stacking_classifier(iris):
    X_train, X_test, y_train, y_test = iris
    stacking = StackingClassifier(
        [("net", net()), ("lr", LogisticRegression())],
        final_estimator=LogisticRegression(),
        cv=3,
    ).fit(X_train, y_train)
    # predict_proba of both members, 3 columns each, feed the final estimator.
    assert stacking.transform(X_test).shape == (len(X_test), 6)
    assert_probabilities(stacking.predict_proba(X_test), len(X_test), 3)
    assert stacking.score(X_test, y_test) > 0.9


def test_one_vs_rest_classifier_fits_one_binary_network_per_class(iris):
    X_train, X_test, y_train, y_test = iris
    ovr = OneVsRestClassifier(net()).fit(X_train, y_train)
    assert len(ovr.estimators_) == 3
    for member in ovr.estimators_:
        assert member.n_outputs_ == 1 and member.out_activation_ == "sigmoid"
    assert_probabilities(ovr.predict_proba(X_test), len(X_test), 3)
    assert ovr.score(X_test, y_test) > 0.9


def test_permutation_importance_finds_the_informative_features():
    X, y = make_flower(random_state=1)
    noise = np.random.RandomState(0).randn(len(X), 2)
    X_train, X_test, y_train, y_test = split(np.hstack([X, noise]), y)
    model = net().fit(X_train, y_train)
    result = permutation_importance(model, X_test, y_test, n_repeats=5, random_state=0)
    informative, noise = result.importances_mean[:2], result.importances_mean[2:]
    assert result.importances.shape == (4, 5)
    assert np.all(informative > 0.1)
    assert np.all(np.abs(noise) < 0.05)


def test_learning_curve_improves_with_more_data():
    X, y = make_flower(random_state=1)
    X = StandardScaler().fit_transform(X)
    sizes, train_scores, test_scores = learning_curve(
        net(),
        X,
        y,
        train_sizes=[0.1, 0.4, 1.0],
        shuffle=True,
        random_state=0,
        cv=KFold(3, shuffle=True, random_state=0),
    )
    assert_array_equal(sizes, [26, 106, 266])
    assert train_scores.shape == test_scores.shape == (3, 3)
    mean = test_scores.mean(axis=1)
    assert mean[-1] > 0.8 and mean[-1] > mean[0] + 0.05


def test_meta_estimators_keep_the_network_parameters():
    """clone keeps every parameter, so meta-estimators build the same network."""
    est = net(n_hidden=7, solver="adam", alpha=0.5, early_stopping=True)
    assert clone(est).get_params() == est.get_params()


# ------------------------------------------------------------- regressor


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=240, n_features=5, noise=0.5, random_state=0)
    y = 100 * y + 2000  # a target in its own units
    # Weights that matter: the rows with a large first feature count 4 times.
    return X, y, np.where(X[:, 0] > 0.5, 4.0, 1.0)


def reg(**params):
    return TwoLayerRegressor(random_state=0, **params)


def test_routed_weights_reach_the_regressor_in_a_pipeline(friedman):
    X, y, w = friedman
    Xs = StandardScaler().fit_transform(X)
    direct = reg().fit(Xs, y, sample_weight=w)
    assert not np.allclose(direct.W1_, reg().fit(Xs, y).W1_)  # weights matter
    with config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            reg().set_fit_request(sample_weight=True),
        )
        assert_same_weights(pipe.fit(X, y, sample_weight=w)[-1], direct)
        pipe = make_pipeline(StandardScaler(), reg())
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            pipe.fit(X, y, sample_weight=w)


def test_routed_weights_in_a_regressor_grid_search_equal_a_manual_loop(friedman):
    X, y, w = friedman
    X = StandardScaler().fit_transform(X)
    cv = KFold(3, shuffle=True, random_state=0)
    grid = {"n_hidden": [2, 8]}
    with config_context(enable_metadata_routing=True):
        est = reg().set_fit_request(sample_weight=True)
        est.set_score_request(sample_weight=True)
        search = GridSearchCV(est, grid, cv=cv).fit(X, y, sample_weight=w)
    for j, n_hidden in enumerate(grid["n_hidden"]):
        for i, (train, test) in enumerate(cv.split(X, y)):
            model = reg(n_hidden=n_hidden).fit(
                X[train], y[train], sample_weight=w[train]
            )
            score = model.score(X[test], y[test], sample_weight=w[test])
            assert search.cv_results_[f"split{i}_test_score"][j] == score
    assert search.best_params_ == {"n_hidden": 8}
    assert_same_weights(
        search.best_estimator_, reg(n_hidden=8).fit(X, y, sample_weight=w)
    )


def test_bagging_regressor_bootstraps_are_repeated_rows(friedman):
    X, y, _ = friedman
    X = StandardScaler().fit_transform(X)
    bagging = BaggingRegressor(reg(), n_estimators=4, random_state=0).fit(X, y)
    members = bagging.estimators_
    assert not np.array_equal(members[0].W1_, members[1].W1_)
    # Each bootstrap arrives as integer sample weights: the network of the
    # drawn rows, repeated as drawn -- bit for bit, the target scaling too.
    rows = bagging.estimators_samples_[0]
    assert_same_weights(members[0], clone(members[0]).fit(X[rows], y[rows]))
    assert bagging.score(X, y) > 0.9


def test_voting_and_stacking_regressors(friedman):
    X, y, _ = friedman
    X = StandardScaler().fit_transform(X)
    members = [("net", reg()), ("ridge", Ridge())]
    voting = VotingRegressor(members).fit(X, y)
    assert_allclose(
        voting.predict(X), np.mean([e.predict(X) for e in voting.estimators_], axis=0)
    )
    stacking = StackingRegressor(members, final_estimator=Ridge(), cv=3).fit(X, y)
    assert stacking.transform(X).shape == (len(X), 2)
    assert stacking.score(X, y) > 0.9


def test_multi_output_regressor_and_transformed_target(friedman):
    X, y, _ = friedman
    X = StandardScaler().fit_transform(X)
    Y = np.c_[y, X[:, 1] * X[:, 2]]
    per_output = MultiOutputRegressor(reg()).fit(X, Y)
    assert all(m.n_outputs_ == 1 for m in per_output.estimators_)
    joint = reg().fit(X, Y)
    assert joint.n_outputs_ == 2
    assert per_output.score(X, Y) > 0.9 and joint.score(X, Y) > 0.9
    # Inside TransformedTargetRegressor, on the log of the target.
    logged = TransformedTargetRegressor(reg(), func=np.log, inverse_func=np.exp)
    assert logged.fit(X, y).score(X, y) > 0.9


def test_cross_validate_the_regressor_with_routed_weights(friedman):
    X, y, w = friedman
    X = StandardScaler().fit_transform(X)
    cv = KFold(3, shuffle=True, random_state=0)
    with config_context(enable_metadata_routing=True):
        est = reg().set_fit_request(sample_weight=True)
        est.set_score_request(sample_weight=True)
        result = cross_validate(
            est, X, y, params={"sample_weight": w}, cv=cv, return_estimator=True
        )
    for i, (train, test) in enumerate(cv.split(X, y)):
        model = reg().fit(X[train], y[train], sample_weight=w[train])
        assert_same_weights(result["estimator"][i], model)
        assert result["test_score"][i] == model.score(X[test], y[test], w[test])
