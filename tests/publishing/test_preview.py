from tribune.publishing.checks import Problem
from tribune.publishing.preview import preview_html


def test_preview_marks_rules_and_entities_and_escapes():
    text = "<b>Quelle arnaque</b> #promo @ami https://a.example/x"
    start = text.index("arnaque")
    html = str(
        preview_html(
            text, [Problem("banned_term", "block", "Interdit", start, start + len("arnaque"))]
        )
    )
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<mark class="flag block" title="Interdit">arnaque</mark>' in html
    assert '<span class="tag">#promo</span>' in html
    assert '<span class="mention">@ami</span>' in html
    assert '<span class="link">https://a.example/x</span>' in html


def test_preview_survives_overlaps_and_newlines():
    text = "#arnaque\nsuite"
    html = str(preview_html(text, [Problem("banned_term", "warn", "x", 1, 8)]))
    assert html.count("arnaque") == 1 and "<br>" in html
