"""
==============================================
Callbacks: a progress bar and a scoring curve
==============================================

With scikit-learn ≥ 1.9, ``set_callbacks`` attaches scikit-learn's callbacks
to the network: ``ProgressBar`` (needs rich) shows the fit's progress, and
``ScoringMonitor`` scores the model reached after every iteration (every
epoch for adam and sgd) — here the training accuracy of each solver on the
flower.
"""

import matplotlib.pyplot as plt
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

X, y = make_flower(random_state=1)
X = StandardScaler().fit_transform(X)

curves = {}
for solver in ["lbfgs", "adam", "sgd", "gd"]:
    monitor = ScoringMonitor(scoring="accuracy")
    clf = TwoLayerClassifier(solver=solver, random_state=0)
    clf.set_callbacks(ProgressBar(), monitor).fit(X, y)
    rows = monitor.get_logs().data  # the fit's row, then one per iteration
    curves[solver] = [row["accuracy"] for row in rows if row["task_name"] != "fit"]
    print(f"{solver:>5}: {clf.n_iter_} iterations, accuracy {clf.score(X, y):.3f}")

# %%
# One point per iteration: each is the accuracy of the model that a fit with
# ``max_iter`` set to that iteration would return.
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for solver, curve in curves.items():
    ax.plot(range(1, len(curve) + 1), curve, label=solver)
ax.set_xscale("log")
ax.set_xlabel("iteration (epoch for adam and sgd)")
ax.set_ylabel("training accuracy")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()
