"""sk-twolayer: the course's two-layer network, a scikit-learn classifier and regressor.

Public names: :class:`TwoLayerClassifier`, :class:`TwoLayerRegressor`,
:func:`make_flower` (also in :mod:`sk_twolayer.datasets`) and ``__version__``.

Module map (each module imports only from modules below it)::

    _classifier.py   TwoLayerClassifier: parameters, public methods and
                     docstrings, labels to targets, probabilities, predict
    _regressor.py    TwoLayerRegressor: parameters, public methods and
                     docstrings, y to standardized targets, predict
    _base.py         shared by any two-layer estimator: the fit transaction,
                     the one fit/partial_fit sequence, storing a result,
                     validation of X and of the weights, the logits
    _training.py     the fit plan: frozen FitConfig, initial weights,
                     optimiser factory, solver dispatch, warnings
    _monitor.py      after each iteration: verbose, early stopping, callbacks
    _problem.py      training rows: duplicates merged, weights normalised,
                     the validation split
    _targets.py      y -> Y: labels to 0/1 codes (classes, class weights) or
                     continuous y standardized; the output unit, the
                     validation score, the best constant output bias
    _callbacks.py    the report to scikit-learn's callbacks
    _solvers.py      gd, sgd, adam, lbfgs over a flat θ; the tol rule
    _blocks.py       the objective over rows (full batch, mini-batch) and
                     prediction's logits, in blocks on all cores
    _network.py      the course's equations, one line each; the output
                     units and their losses (sigmoid/softmax cross-entropy,
                     identity/squared error) in one table
    _blas.py         BLAS dispatch and thread limits
    _sklearn_private.py   every private scikit-learn name

Examples
--------
>>> from sklearn.model_selection import StratifiedKFold, cross_val_score
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sk_twolayer import TwoLayerClassifier, make_flower
>>> X, y = make_flower(random_state=1)
>>> model = make_pipeline(StandardScaler(), TwoLayerClassifier(random_state=0))
>>> cv = StratifiedKFold(5, shuffle=True, random_state=0)
>>> scores = cross_val_score(model, X, y, cv=cv)
>>> scores.shape, bool(scores.mean() > 0.8)
((5,), True)
"""

from ._classifier import TwoLayerClassifier
from ._regressor import TwoLayerRegressor
from .datasets import make_flower

__version__ = "0.1.0"

__all__ = ["TwoLayerClassifier", "TwoLayerRegressor", "__version__", "make_flower"]
