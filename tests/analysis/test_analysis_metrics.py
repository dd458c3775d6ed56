import pytest

from tribune.analysis.metrics import evaluate, format_report


def test_hand_computed_example():
    gold = ["negative", "negative", "neutral", "positive", "positive", "positive"]
    pred = ["negative", "neutral", "neutral", "positive", "negative", "positive"]
    report = evaluate(gold, pred, ("negative", "neutral", "positive"))
    # negative: P 1/2 R 1/2 F 1/2; neutral: P 1/2 R 1 F 2/3; positive: P 1 R 2/3 F 4/5
    assert report.by_label("negative").f1 == pytest.approx(0.5)
    assert report.by_label("neutral").precision == pytest.approx(0.5)
    assert report.by_label("neutral").recall == pytest.approx(1.0)
    assert report.by_label("positive").recall == pytest.approx(2 / 3)
    assert report.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert report.confusion == ((1, 1, 0), (0, 1, 0), (1, 0, 2))
    assert report.accuracy == pytest.approx(4 / 6)
    text = format_report(report)
    assert "macro-F1: 0.6556" in text
    assert "confusion matrix" in text


def test_class_never_predicted_counts_zero():
    report = evaluate(["toxic", "non-toxic"], ["non-toxic", "non-toxic"], ("non-toxic", "toxic"))
    assert report.by_label("toxic").f1 == 0.0
    assert report.macro_f1 == pytest.approx((2 / 3 + 0) / 2)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        evaluate(["toxic"], [], ("non-toxic", "toxic"))
