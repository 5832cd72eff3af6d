"""
=====================================
Out-of-core training with partial_fit
=====================================

Data too large for memory can be learned chunk by chunk: a NumPy memmap
reads only the rows that are sliced, ``StandardScaler.partial_fit`` learns
the feature scales in a first pass, and ``partial_fit`` makes one epoch of
Adam's mini-batches over each chunk as it arrives. Here a small synthetic
data set is written to disk, then learned in chunks of 5 000 rows; the test
accuracy is drawn after every chunk. ``examples/out_of_core.py`` is the same
at scale (and with Dask arrays), as a command-line script.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier

directory = tempfile.TemporaryDirectory()
X_all, y_all = make_classification(
    n_samples=45_000,
    n_features=20,
    n_informative=12,
    n_classes=4,
    n_clusters_per_class=2,
    random_state=0,
)
X_all *= np.exp(np.random.default_rng(0).normal(size=20))  # unscaled features
np.save(Path(directory.name) / "X.npy", X_all[:40_000].astype(np.float32))
np.save(Path(directory.name) / "y.npy", y_all[:40_000])
X_test, y_test = X_all[40_000:], y_all[40_000:]
del X_all, y_all

# %%
# From here on the training data is read from disk, one chunk at a time.
X = np.load(Path(directory.name) / "X.npy", mmap_mode="r")
y = np.load(Path(directory.name) / "y.npy", mmap_mode="r")
classes = np.unique(y)
chunks = [slice(i, i + 5_000) for i in range(0, X.shape[0], 5_000)]

scaler = StandardScaler()
for rows in chunks:
    scaler.partial_fit(X[rows])

clf = TwoLayerClassifier(solver="adam", random_state=0)
seen, accuracy = [], []
for epoch in range(3):
    for rows in chunks:
        clf.partial_fit(scaler.transform(X[rows]), y[rows], classes=classes)
        seen.append(clf.t_)
        accuracy.append(clf.score(scaler.transform(X_test), y_test))
    print(f"epoch {epoch + 1}: test accuracy {accuracy[-1]:.3f}")

# %%
# The test accuracy as the chunks arrive; the dotted lines mark the passes
# over the whole file.
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(seen, accuracy, marker=".")
for epoch in range(1, 3):
    ax.axvline(epoch * X.shape[0], color="0.6", ls=":")
ax.set_xlabel("training rows seen (t_)")
ax.set_ylabel("test accuracy")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

del X, y  # close the memmaps before the files go
directory.cleanup()
