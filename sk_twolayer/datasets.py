"""Data sets: the course's planar "flower".

Examples
--------
>>> from sk_twolayer.datasets import make_flower
>>> X, y = make_flower(n_samples=10, random_state=0)
>>> X.shape, y.tolist()
((10, 2), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.utils import check_random_state


def make_flower(
    n_samples: int = 400,
    *,
    noise: float = 0.2,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    """The planar "flower" data set of the course (course 1, week 3).

    Two classes of petals in the plane that no straight line separates. For
    class ``j`` in {0, 1}, with ``N`` points::

        t = linspace(3.12 j, 3.12 (j + 1), N) + noise · randn(N)
        r = 4 sin(4t) + noise · randn(N)          (drawn after t's noise)
        point = (r sin t, r cos t)

    With the defaults and ``random_state=1`` this is exactly the course's
    ``load_planar_dataset()`` (transposed: samples are rows).

    Parameters
    ----------
    n_samples : int, default=400
        Number of points; class 0 gets ``n_samples // 2`` of them.

    noise : float, default=0.2
        Standard deviation of the Gaussian noise on the angle and the radius.

    random_state : int, RandomState instance or None, default=None
        Seeds the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points.

    y : ndarray of shape (n_samples,)
        The class of each point, 0 or 1.

    Examples
    --------
    >>> from sk_twolayer.datasets import make_flower
    >>> X, y = make_flower(random_state=1)
    >>> X.shape, y.mean()
    ((400, 2), np.float64(0.5))

    No straight line separates the petals, a hidden layer does:

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sk_twolayer import TwoLayerClassifier
    >>> line = LogisticRegression().fit(X, y).score(X, y)
    >>> net = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y).score(X, y)
    >>> bool(line < 0.6 < 0.8 < net)
    True
    """
    if int(n_samples) != n_samples or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2; got {n_samples!r}.")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
    rng = check_random_state(random_state)
    sizes = (n_samples // 2, n_samples - n_samples // 2)
    X, y = [], []
    for j, N in enumerate(sizes):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * noise
        r = 4 * np.sin(4 * t) + rng.randn(N) * noise
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(N, j))
    return np.concatenate(X), np.concatenate(y)
