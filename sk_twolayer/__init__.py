"""sk-twolayer: the classic two-layer neural network as a scikit-learn classifier."""

from ._classifier import TwoLayerClassifier
from .datasets import make_flower

__version__ = "0.1.0"

__all__ = ["TwoLayerClassifier", "__version__", "make_flower"]
