"""sk-twolayer: the classic two-layer neural network as a scikit-learn classifier.

Public names: :class:`TwoLayerClassifier`, :func:`make_flower` (also in
:mod:`sk_twolayer.datasets`) and ``__version__``.

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
from .datasets import make_flower

__version__ = "0.1.0"

__all__ = ["TwoLayerClassifier", "__version__", "make_flower"]
