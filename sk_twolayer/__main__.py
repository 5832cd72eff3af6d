"""``python -m sk_twolayer``: the comparison demo.

Fits LogisticRegression, the course's network (n_hidden=4, tanh, gradient
descent at learning rate 1.2, init 0.01), TwoLayerClassifier and
MLPClassifier with their defaults on the course's flower data (or, with
``--dataset``, another data set or a CSV file), prints a table of train/test
accuracy, fit time and iterations, and writes a PNG of their decision
boundaries when matplotlib is installed. ``--hidden 1,2,4,8`` adds the
course's hidden-size sweep. A continuous target (``--dataset diabetes``,
``--dataset sine``, or a CSV file whose target holds numbers that are not all
whole; ``--task regression`` for a whole-number quantity) compares
TwoLayerRegressor, MLPRegressor and Ridge by R² instead, and draws their
fitted curves for 1-D data. ``python -m sk_twolayer --help`` lists the
options. The code is in ``_demo.py``.
"""

import sys

from ._demo import main

if __name__ == "__main__":
    sys.exit(main())
