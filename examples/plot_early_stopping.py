"""
=====================
Early stopping curves
=====================

With ``early_stopping=True`` the network holds out a stratified
``validation_fraction`` of the training data, records the validation loss
and accuracy after every iteration, stops once the validation loss has not
improved for ``n_iter_no_change`` iterations, and restores the weights of the
best one. Here with every solver on the digits, a larger ``n_iter_no_change``
to show the curves turning.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.8))
for solver in ["lbfgs", "adam", "sgd", "gd"]:
    clf = TwoLayerClassifier(
        solver=solver, early_stopping=True, n_iter_no_change=20, random_state=0
    ).fit(X_train, y_train)
    iterations = range(1, clf.n_iter_ + 1)
    (line,) = ax_loss.plot(iterations, clf.loss_curve_, lw=1, alpha=0.6)
    ax_loss.plot(
        iterations, clf.validation_loss_curve_, color=line.get_color(), label=solver
    )
    ax_acc.plot(iterations, clf.validation_scores_, label=solver)
    best = clf.validation_loss_curve_.index(clf.best_validation_loss_) + 1
    ax_loss.axvline(best, color=line.get_color(), ls=":", lw=1)
    print(
        f"{solver:>5}: stopped after {clf.n_iter_} iterations, best at {best}, "
        f"test accuracy {clf.score(X_test, y_test):.3f}"
    )
ax_loss.set_yscale("log")
ax_loss.set_title("loss: training (thin), validation (thick); best (dotted)")
ax_acc.set_title("validation accuracy")
for ax in (ax_loss, ax_acc):
    ax.set_xlabel("iteration (epoch for adam and sgd)")
    ax.legend()
fig.tight_layout()
plt.show()
