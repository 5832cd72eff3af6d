"""
=================================================
Searching the hidden-layer size in a pipeline
=================================================

``n_hidden`` is the course's ``n_h``. GridSearchCV searches it like any
other parameter when the network is the last step of a Pipeline (here behind
a StandardScaler); the cross-validated score per size is the course's
hidden-layer table, with error bars.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

X, y = make_flower(random_state=1)
sizes = [1, 2, 3, 4, 5, 8, 16, 32]
search = GridSearchCV(
    make_pipeline(StandardScaler(), TwoLayerClassifier(random_state=0)),
    {"twolayerclassifier__n_hidden": sizes},
    cv=StratifiedKFold(5, shuffle=True, random_state=0),  # the flower is sorted
    return_train_score=True,
).fit(X, y)
print("best:", search.best_params_, f"score {search.best_score_:.3f}")

# %%
# The score curve: one tanh unit draws one line, two units draw two; from
# three units on the petals are found, and more units change little.
results = search.cv_results_
fig, ax = plt.subplots(figsize=(6, 3.5))
for kind in ["train", "test"]:
    mean, std = results[f"mean_{kind}_score"], results[f"std_{kind}_score"]
    ax.errorbar(sizes, mean, yerr=std, marker="o", capsize=3, label=kind)
ax.set_xscale("log", base=2)
ax.set_xticks(sizes, [str(s) for s in sizes])
ax.set_xlabel("n_hidden")
ax.set_ylabel("accuracy (5-fold CV)")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %%
# The table behind the curve:
for size, mean, std in zip(
    sizes, results["mean_test_score"], results["std_test_score"]
):
    print(f"n_hidden={size:>2}: {mean:.3f} ± {std:.3f}")
print("rank 1:", np.array(sizes)[results["rank_test_score"] == 1])
