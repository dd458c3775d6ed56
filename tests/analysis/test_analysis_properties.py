"""Property tests: arbitrary unicode never crashes the engine, and answers are stable."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tribune.analysis import analyze, analyze_fast
from tribune.analysis.normalize import clean_for_model, lexical_tokens

texts = st.lists(st.text(max_size=80), min_size=1, max_size=4)


@pytest.mark.usefixtures("warm_model")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=texts)
def test_analyze_never_crashes_and_is_deterministic(batch):
    first = analyze(batch, keywords=False)
    second = analyze(list(batch), keywords=False)
    assert first == second
    assert len(first) == len(batch)
    for result in first:
        assert result.sentiment in ("negative", "neutral", "positive")
        assert 0.0 <= result.toxicity <= 1.0
        assert result.lang == "und" or len(result.lang) == 2


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_normalisation_and_fast_path_are_total(text):
    assert clean_for_model(text) == clean_for_model(text)
    assert all(token for token in lexical_tokens(text))
    (result,) = analyze_fast([text])
    assert -1.0 <= result.sentiment_scores["positive"] - result.sentiment_scores["negative"] <= 1
