"""
==================
Training in motion
==================

The course's network — 4 tanh units, gradient descent at the fixed
learning rate 1.2, weights ``0.01 · N(0, 1)`` — learning the flower, one
frame every few iterations: the decision boundary on the left, the loss
on the right. ``warm_start=True`` makes each ``fit`` continue from the
weights of the previous one, so the frames are one run of gradient
descent, cut into pieces.

At first the weights are too small for the tanh units to bend the
boundary, and the loss sits near ``log 2``; then the units break symmetry,
the loss drops, and the petals appear one after another.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from sklearn.exceptions import ConvergenceWarning

from sk_twolayer import TwoLayerClassifier, make_flower

X, y = make_flower(random_state=1)
net = TwoLayerClassifier(
    n_hidden=4,
    solver="gd",
    learning_rate=1.2,
    init=0.01,
    alpha=0.0,
    tol=0.0,
    n_iter_no_change=np.inf,
    warm_start=True,
    random_state=2,
)

# %%
# Train in pieces and keep what each frame shows: the predicted
# probability over a grid of the plane, the iteration and the accuracy.
xx, yy = np.meshgrid(np.linspace(-4.5, 4.5, 60), np.linspace(-4.5, 4.5, 60))
grid = np.c_[xx.ravel(), yy.ravel()]
stops = np.unique(np.geomspace(1, 4000, 24).astype(int))
frames, losses, done = [], [], 0
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter on purpose
    for stop in stops:
        net.set_params(max_iter=int(stop - done)).fit(X, y)
        losses += net.loss_curve_
        done = stop
        proba = net.predict_proba(grid)[:, 1].reshape(xx.shape)
        frames.append((done, proba, net.score(X, y)))
print(f"{done} iterations, final loss {net.loss_:.3f}, accuracy {net.score(X, y):.3f}")

# %%
# The animation; sphinx-gallery shows it with play controls.
fig, (ax_plane, ax_loss) = plt.subplots(
    1, 2, figsize=(8, 3.6), dpi=72, gridspec_kw={"width_ratios": [1, 1.3]}
)
ax_plane.scatter(*X.T, c=y, cmap="RdBu", s=5, edgecolor="k", lw=0.2, zorder=2)
ax_plane.set_xticks([])
ax_plane.set_yticks([])
ax_loss.plot(np.arange(1, len(losses) + 1), losses, color="0.7")
(marker,) = ax_loss.plot([], [], "o", color="C3")
ax_loss.set_xscale("log")
ax_loss.set_xlabel("iteration")
ax_loss.set_ylabel("cross-entropy loss")
ax_plane.set_title("iteration", fontsize=9)  # room for the frames' titles
fig.tight_layout()
surface = []


def draw(frame):
    iteration, proba, accuracy = frames[frame]
    for artist in surface:
        artist.remove()
    surface.clear()
    surface.append(
        ax_plane.contourf(xx, yy, proba, levels=10, cmap="RdBu", vmin=0, vmax=1)
    )
    surface.append(ax_plane.contour(xx, yy, proba, levels=[0.5], colors="k"))
    ax_plane.set_title(f"iteration {iteration}: accuracy {accuracy:.2f}", fontsize=9)
    marker.set_data([iteration], [losses[iteration - 1]])
    return [marker]


animation = FuncAnimation(fig, draw, frames=len(frames), interval=150)
plt.show()
