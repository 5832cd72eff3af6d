"""
=============================================
What the hidden units add up to in regression
=============================================

The regression counterpart of "what the hidden units learn". Each hidden
unit ``k`` of :class:`~sk_twolayer.TwoLayerRegressor` computes
``tanh(W1_[k]·x + b1_[k])``: on a line, a soft step centred at
``x = −b1_[k] / W1_[k]``, about ``2 / |W1_[k]|`` wide. The output unit is
the identity, so the prediction is the weighted sum of the steps::

    predict(x) = Σ_k W2_[0, k] · tanh(W1_[k]·x + b1_[k]) + b2_

and each term ``W2_[0, k] · tanh(...)`` is that unit's contribution, in y's
units (the target standardization is folded into ``W2_`` and ``b2_``). A few
steps, each placed where the curve bends, are enough to draw a noisy sine.
"""

import matplotlib.pyplot as plt
import numpy as np

from sk_twolayer import TwoLayerRegressor

rng = np.random.RandomState(0)
X = rng.uniform(-3, 3, size=(150, 1))
y = np.sin(1.5 * X[:, 0]) + 0.15 * rng.randn(150)
reg = TwoLayerRegressor(n_hidden=5, random_state=0).fit(X, y)
print(
    f"training R² {reg.score(X, y):.3f}, alpha_ = {reg.alpha_}, "
    f"{reg.n_iter_} L-BFGS iterations"
)

# %%
# The line as a grid of points, and each unit's contribution over it: one
# column per hidden unit. Their sum plus the output bias is the model.
x = np.linspace(-3.5, 3.5, 400)
A1 = np.tanh(x[:, None] @ reg.W1_.T + reg.b1_)  # (400, n_hidden)
contributions = A1 * reg.W2_[0]  # unit k's column: W2_[0, k] · A1[:, k]
fit = contributions.sum(axis=1) + reg.b2_[0]
assert np.allclose(fit, reg.predict(x[:, None]))  # the model, by hand
centres = -reg.b1_ / reg.W1_[:, 0]
for k in np.argsort(centres):
    print(
        f"unit {k + 1}: step at x = {centres[k]:+.2f}, "
        f"height {2 * abs(reg.W2_[0, k]):.2f}"
    )

# %%
# Left: each unit's contribution, with a dotted line where its step is
# centred, and the output bias ``b2_``. Right: their sum, which is
# ``predict``, over the data and the noiseless curve. The steps sit where
# the curve turns; a unit with a small ``|W1_[k]|`` is a gentle slope rather
# than a step, and two units may share one bend, their heights adding up.
order = np.argsort(centres)
colors = plt.cm.viridis(np.linspace(0, 0.9, len(order)))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.2), sharex=True)
for color, k in zip(colors, order):
    w1, b1, w2 = reg.W1_[k, 0], reg.b1_[k], reg.W2_[0, k]
    label = f"unit {k + 1}: {w2:+.2f}·tanh({w1:+.2f}x {b1:+.2f})"
    left.plot(x, contributions[:, k], color=color, lw=2, label=label)
    left.axvline(centres[k], color=color, ls=":", lw=1)
left.axhline(reg.b2_[0], color="k", ls="--", lw=1, label=f"b2_ = {reg.b2_[0]:+.2f}")
left.set_xlim(x[0], x[-1])
left.set_title(
    "each unit's contribution W2_[0, k]·tanh(W1_[k]·x + b1_[k])", fontsize=10
)
left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
right.scatter(X[:, 0], y, s=10, color="0.6", label="training data")
right.plot(x, np.sin(1.5 * x), color="k", ls="--", lw=1, label="sin(1.5x), no noise")
right.plot(x, fit, color="C3", lw=2.5, label="Σ contributions + b2_ = predict(x)")
right.set_title(f"the fit: training R² {reg.score(X, y):.3f}", fontsize=10)
right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
for ax in (left, right):
    ax.set_xlabel("x")
fig.tight_layout()
plt.show()
