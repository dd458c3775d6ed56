import numpy as np
import pytest

from tribune.analysis.heads import LinearHead


def test_multiclass_round_trip_without_pickle(tmp_path):
    head = LinearHead(
        classes=("negative", "neutral", "positive"),
        coef=np.array([[1.0, 0.0], [0.0, 0.0], [-1.0, 0.0]]),
        intercept=np.zeros(3),
    )
    path = tmp_path / "head.npz"
    head.save(path)
    with np.load(path, allow_pickle=False) as data:  # plain arrays only
        assert set(data.files) == {"classes", "coef", "intercept", "threshold"}
    loaded = LinearHead.load(path)
    x = np.array([[3.0, 1.0], [-3.0, 1.0]])
    assert loaded.predict(x) == ["negative", "positive"]
    assert np.allclose(loaded.predict_proba(x).sum(axis=1), 1.0)


def test_binary_threshold():
    head = LinearHead(("non-toxic", "toxic"), np.array([[2.0]]), np.array([0.0]), threshold=0.8)
    proba = head.predict_proba(np.array([[1.0]]))[0, 1]
    assert 0.8 < proba < 0.9
    assert head.predict(np.array([[1.0], [0.5]])) == ["toxic", "non-toxic"]


def test_feature_count_mismatch_is_explained():
    head = LinearHead(("a", "b"), np.zeros((1, 3)), np.zeros(1))
    with pytest.raises(ValueError, match="expects 3 features"):
        head.predict_proba(np.zeros((1, 2)))
