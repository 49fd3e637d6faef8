"""The example's two model versions, trained at start-up on a dataset scikit-learn ships.

Breast Cancer Wisconsin (569 tumours, 30 measurements each, labels "malignant" / "benign").
v1 and v2 are both standardised logistic regressions with fixed seeds; v2 is regularised more
strongly (C=0.6 against 1.0), so its probabilities differ a little and its labels never. At C=0.3
the probabilities differ enough that the distribution gate's KS test, on the 300 pairs it tops up
to, fails v2 (KS D 0.13 over the whole dataset, p 0.0001): a real shift of the outputs, which is
not the no-surprises upgrade this example shows. At 0.6, D is 0.058 (p 0.29).
"""

from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

VERSIONS = {"v1": 1.0, "v2": 0.6}


def dataset():
    data = load_breast_cancer()
    return data.data, data.target, [str(n) for n in data.target_names]


def train(version):
    if version not in VERSIONS:
        raise SystemExit(f"unknown model version {version!r}: expected one of {', '.join(VERSIONS)}")
    x, y, classes = dataset()
    model = make_pipeline(StandardScaler(), LogisticRegression(C=VERSIONS[version], max_iter=5000, random_state=0))
    model.fit(x, y)
    return model, classes


def size_slice(row):
    """The slice a sample belongs to: the tumour's mean radius, small / medium / large."""
    radius = row[0]
    return "small" if radius < 12 else "medium" if radius < 16 else "large"
