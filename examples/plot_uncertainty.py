"""
==========================
How sure is the network
==========================

``TwoLayerRegressor.predict(X, return_std=True)`` returns a mean and a
standard deviation, as :class:`~sklearn.gaussian_process.GaussianProcessRegressor`
and :class:`~sklearn.linear_model.BayesianRidge` do. Here the three are
fitted to a noisy curve observed on two intervals with nothing between them,
and their 90 % intervals (mean ± 1.645 std) are compared: over the data,
across the gap, and far outside.

Where the network's std comes from, in the course's terms:

- **the prior is the L2 term.** Weight decay ``α/(2m) ‖W‖²`` is a Gaussian
  prior on the weights, ``alpha_`` playing its precision, and the fitted
  weights are the posterior's mode;
- **the curvature is the backward pass.** Linearising the network at the
  fitted weights makes the posterior Gaussian; its covariance is the inverse
  of the (Gauss–Newton) curvature of the loss plus ``alpha_``, built from
  ``J(x) = ∂ŷ(x)/∂θ``, which is one backward pass from the output at ``x``.
  The same ``J(x)`` carries the weights' uncertainty to a new point;
- **the noise level is the residuals'.** ``σ²`` is the training residuals'
  sum of squares over ``m − γ``, γ being the number of parameters the data
  pin down.

So ``var y(x) = σ² + J(x) Σ J(x)ᵀ``: the noise everywhere, plus a term that
is small where the data fix the output and grows where they do not.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.linear_model import BayesianRidge

from sk_twolayer import TwoLayerRegressor

NOISE = 0.2  # the std of the noise on y
INTERVALS = [(-3.0, -1.0), (1.0, 3.0)]  # where x is observed: a gap at (-1, 1)


def curve(x):
    return np.sin(1.5 * x)


def draw(n, rng):
    """n points, half on each interval, with Gaussian noise on y."""
    x = np.concatenate([rng.uniform(a, b, n // 2) for a, b in INTERVALS])
    return x[:, None], curve(x) + NOISE * rng.randn(x.size)


X, y = draw(300, np.random.RandomState(0))
models = {
    "TwoLayerRegressor": TwoLayerRegressor(random_state=0),
    "GaussianProcessRegressor": GaussianProcessRegressor(
        ConstantKernel() * RBF() + WhiteKernel(), normalize_y=True, random_state=0
    ),
    "BayesianRidge": BayesianRidge(),
}
for name, model in models.items():
    model.fit(X, y)
net, gp = models["TwoLayerRegressor"], models["GaussianProcessRegressor"]
print(f"network: alpha_ = {net.alpha_:g}, training R² {net.score(X, y):.3f}")
print(f"GP kernel: {gp.kernel_}")

# %%
# The mean and the 90 % interval of each model over the line, the gap shaded.
# The network's band is nearly as narrow as the GP's over the data (0.73
# against 0.66 on average, below) and opens wide across the gap, where no
# point says what the curve does, and past the ends of the data: it leaves
# the panel there. The GP's band hardly widens in the gap: its fitted length
# scale (1.27) is longer than the gap's half-width (1), so it is sure the
# curve goes smoothly across, which here happens to be right.
# ``BayesianRidge`` on the raw feature is a straight line: its band is the
# noise the line leaves (the whole sine, as far as it can tell) plus the
# uncertainty of a slope and an intercept, so it does not know the gap at all.
x = np.linspace(-4.5, 4.5, 500)
means, stds = {}, {}
for name, model in models.items():
    means[name], stds[name] = model.predict(x[:, None], return_std=True)

colors = {
    "TwoLayerRegressor": "C3",
    "GaussianProcessRegressor": "C0",
    "BayesianRidge": "C2",
}
fig, axes = plt.subplots(1, 3, figsize=(13, 4.6), sharex=True, sharey=True)
for ax, name in zip(axes, models):
    mean, std, color = means[name], stds[name], colors[name]
    ax.axvspan(
        INTERVALS[0][1], INTERVALS[1][0], color="0.92", zorder=0, label="the gap"
    )
    band = mean - 1.645 * std, mean + 1.645 * std
    ax.fill_between(x, *band, color=color, alpha=0.25, lw=0, label="90 % interval")
    ax.scatter(X[:, 0], y, s=5, color="0.5", label="training points")
    ax.plot(x, curve(x), color="k", ls="--", lw=1, label="the true curve")
    ax.plot(x, mean, color=color, lw=2, label="mean")
    ax.set_title(f"{name}()", fontsize=10)
    ax.set_xlabel("x")
axes[0].set_ylim(-3.2, 3.2)
half_width = 1.645 * net.predict([[0.0]], return_std=True)[1][0]
axes[0].text(
    0,
    2.75,
    f"at x = 0: ± {half_width:.1f}",
    ha="center",
    fontsize=8,
    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
)
axes[0].set_xlim(x[0], x[-1])
axes[0].set_ylabel("y")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=9, frameon=False)
fig.tight_layout(rect=(0, 0.07, 1, 1))
plt.show()

# %%
# How good the intervals are where the models have seen data: 2 000 fresh
# points drawn from the same model on the two observed intervals. A 90 %
# interval should hold 90 % of them; of two intervals that do, the narrower
# is the better one, and the Gaussian negative log-likelihood (lower is
# better) weighs both at once. The true model itself, ``curve(x)`` with the
# noise's std, would score 0.90, a width of ``2 × 1.645 × 0.2 = 0.66`` and an
# NLL of about −0.19. The last column is the std in the gap's middle over
# the median std on the training points: how much less sure the model is
# where it has no data.
X_new, y_new = draw(2000, np.random.RandomState(1))
rows = {}
for name, model in models.items():
    mean, std = model.predict(X_new, return_std=True)
    rows[name] = {
        "coverage": np.mean(np.abs(y_new - mean) <= 1.645 * std),
        "width": np.mean(2 * 1.645 * std),
        "NLL": np.mean(
            0.5 * np.log(2 * np.pi * std**2) + (y_new - mean) ** 2 / (2 * std**2)
        ),
        "gap / data std": model.predict([[0.0]], return_std=True)[1][0]
        / np.median(model.predict(X, return_std=True)[1]),
    }
truth = {
    "coverage": 0.90,
    "width": 2 * 1.645 * NOISE,
    "NLL": 0.5 * np.log(2 * np.pi * NOISE**2) + 0.5,
}
print(f"{'':26}" + "".join(f"{column:>16}" for column in rows["BayesianRidge"]))
for name, row in rows.items():
    print(f"{name:26}" + "".join(f"{value:16.3f}" for value in row.values()))
print(f"{'the true model':26}" + "".join(f"{value:16.3f}" for value in truth.values()))

# %%
# The same table as bars, the true model's values as dotted lines.
fig, axes = plt.subplots(1, 4, figsize=(13, 2.6))
names = list(rows)
for ax, column in zip(axes, rows[names[0]]):
    values = [rows[name][column] for name in names]
    ax.barh(names, values, color=[colors[name] for name in names])
    for i, value in enumerate(values):  # the value, right of the bar or of 0
        ax.text(max(value, 0), i, f" {value:.2f}", va="center", fontsize=8)
    if column in truth:
        ax.axvline(truth[column], color="k", ls=":", lw=1.5)
    ax.set_title(column, fontsize=10)
    ax.invert_yaxis()
    ax.margins(x=0.25)
    if ax is not axes[0]:
        ax.set_yticklabels([])
axes[0].set_xlim(0, 1.15)
axes[2].set_xlim(-0.8, 1.4)
axes[3].set_xscale("log")
axes[3].set_xlim(0.5, 60)
fig.tight_layout()
plt.show()

# %%
# Far outside the data: each model's std over a much longer line, in units
# of its median std on the training points, on a log scale.
#
# ``BayesianRidge``'s grows with ``|x|``, the uncertainty of a slope, but
# barely: the noise it sees (the whole sine, to a straight line) dwarfs it.
# The GP's climbs back to its prior's level, a few times the data's spread,
# and stays there. The network's is that of a linearised network: ``J(x)``
# holds ``W2_ · g′(W1_ x + b1_) · x`` for the hidden weights and
# ``tanh(W1_ x + b1_)`` for the output ones, so its std grows steeply as soon
# as x leaves the data (faster than ``|x|`` at first: tens of times the
# data's within a few units) and then levels off once every hidden unit has
# saturated (``g′ → 0``, ``tanh → ±1``), where the mean is a constant too.
# In the gap, where units turn between the two intervals, it rises as well.
far = np.linspace(-30, 30, 1201)
fig, ax = plt.subplots(figsize=(8, 3.8))
for a, b in INTERVALS:
    ax.axvspan(a, b, color="0.88", zorder=0)
for name, model in models.items():
    std = model.predict(far[:, None], return_std=True)[1]
    on_data = np.median(model.predict(X, return_std=True)[1])
    ax.plot(far, std / on_data, color=colors[name], lw=2, label=name)
ax.set_yscale("log")
ax.set_xlabel("x (the data: the two grey intervals)")
ax.set_ylabel("std / its median on the data")
ax.legend(fontsize=9, loc="center right")
fig.tight_layout()
plt.show()
on_data = np.median(net.predict(X, return_std=True)[1])
for r in (3, 4, 6, 10, 20, 50):
    std = net.predict([[-r], [r]], return_std=True)[1] / on_data
    print(
        f"network std at x = -{r:<2} and +{r:<2}: {std[0]:6.1f} and {std[1]:6.1f} "
        "times its median on the data"
    )

# %%
# Where to trust it
# -----------------
#
# Within the data's range, the network's 90 % interval held about 90 % of
# fresh points here, about as narrow as the GP's: the noise level from the
# residuals does most of the work there. Where the data are thin, in the gap,
# the std grows, and that is its use: it says "I do not know" where a plain
# network would give a number as sure as anywhere else. How much it grows is
# not a calibrated quantity: it depends on where the fitted tanh units happen
# to turn (``random_state`` 0 to 4 give a gap ratio of 14, 8, 19, 18 and 41
# on these data), and far outside the data it is a large number rather than a
# measured one. Read it as a flag, not as an interval, once ``x`` leaves the
# range of the training rows.
