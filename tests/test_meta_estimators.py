"""TwoLayerClassifier inside scikit-learn's meta-estimators and tools, and
sample weights routed to it by metadata routing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.ensemble import BaggingClassifier, StackingClassifier, VotingClassifier
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_validate,
    learning_curve,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

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
