from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _lexicon_analysis(settings):  # type: ignore[no-untyped-def]
    # The lexicon engine is deterministic and needs no model: fast tests.
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
