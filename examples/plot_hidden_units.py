"""
=============================
What the hidden units learn
=============================

Each hidden unit computes ``tanh(w·x + b)``: a soft step across one straight
line in the plane. The output unit adds the steps up with the weights
``W2_`` and squashes the sum with a sigmoid, and the sum of a few steps is
enough to cut out the flower's petals. This is the course's picture, drawn
from the fitted attributes ``W1_``, ``b1_``, ``W2_`` and ``b2_`` alone.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit

from sk_twolayer import TwoLayerClassifier, make_flower

X, y = make_flower(random_state=1)
clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
print(f"training accuracy {clf.score(X, y):.3f}, {clf.n_iter_} iterations")

# %%
# The plane as a grid of points, and the network's two layers over it.
xx, yy = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-4.5, 4.5, 200))
grid = np.c_[xx.ravel(), yy.ravel()]
A1 = np.tanh(grid @ clf.W1_.T + clf.b1_)  # one column per hidden unit
Z2 = A1 @ clf.W2_.T + clf.b2_
A2 = expit(Z2[:, 0])
assert np.allclose(A2, clf.predict_proba(grid)[:, 1])  # the model, by hand

# %%
# Top row: each unit's activation, with the weight ``W2_[0, j]`` the output
# gives it. Bottom row: the weighted sum ``Z2`` and the probability ``A2``,
# with the decision boundary ``A2 = 0.5`` and the data.
fig, axes = plt.subplots(2, 4, figsize=(12, 6.2), sharex=True, sharey=True)
for j, ax in enumerate(axes[0]):
    ax.contourf(xx, yy, A1[:, j].reshape(xx.shape), levels=20, cmap="PuOr")
    ax.set_title(f"unit {j + 1}: weight {clf.W2_[0, j]:+.1f}", fontsize=9)
axes[1, 0].contourf(xx, yy, Z2.reshape(xx.shape), levels=20, cmap="RdBu")
axes[1, 0].set_title("Z2 = W2·A1 + b2", fontsize=9)
for ax in axes[1, 1:3]:
    ax.contourf(xx, yy, A2.reshape(xx.shape), levels=20, cmap="RdBu", vmin=0, vmax=1)
    ax.contour(xx, yy, A2.reshape(xx.shape), levels=[0.5], colors="k")
axes[1, 1].set_title("A2 = σ(Z2) and A2 = 0.5", fontsize=9)
axes[1, 2].scatter(*X.T, c=y, cmap="RdBu", s=6, edgecolor="k", lw=0.2)
axes[1, 2].set_title("with the flower", fontsize=9)
axes[1, 3].scatter(*X.T, c=clf.predict(X), cmap="RdBu", s=6)
axes[1, 3].set_title("predict(X)", fontsize=9)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
fig.tight_layout()
plt.show()
