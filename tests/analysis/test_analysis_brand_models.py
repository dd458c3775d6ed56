"""Per-brand models: corrections are stored, training on them changes the brand's
verdicts (and only that brand's), versions are listed, activated and rolled back."""

from __future__ import annotations

import pytest

from tribune.analysis import analyze
from tribune.analysis.brand_models import (
    CorrectionError,
    NothingToTrain,
    active_bundle,
    do_activate,
    do_record_correction,
    do_rollback,
    do_train_brand_model,
    training_examples,
    versions,
)
from tribune.analysis.bundle import load_bundle
from tribune.analysis.engine import prepare
from tribune.analysis.models import BrandModel, Correction
from tribune.core.audit import AuditEvent
from tribune.core.scope import brand_scope, unscoped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_model")]

# Slang the default model reads backwards: "ça tue" / "à mourir de rire" are praise.
PRAISE = [
    "Votre pub est à mourir de rire, trop forte",
    "Ce nouveau parfum tue, franchement",
    "Cette vidéo est une tuerie, je suis mort de rire",
]


def _sentiments(texts, brand=None):
    return [r.sentiment for r in analyze(texts, keywords=False, brand=brand)]


def _correct_all(brand, user, label="positive", texts=PRAISE):
    before = _sentiments(texts)
    for text, old in zip(texts, before, strict=True):
        do_record_correction(
            brand, task="sentiment", text=text, new_label=label, old_label=old, user=user
        )


def test_a_correction_is_stored_with_who_and_what(tenants):
    user = tenants.people["community_manager"]
    correction = do_record_correction(
        tenants.brand_a,
        task="sentiment",
        text="  Ce n'est pas négatif du tout  ",
        new_label="neutral",
        old_label="negative",
        user=user,
        source=Correction.Source.INBOX,
        source_id=42,
    )
    with brand_scope(tenants.brand_a):
        stored = Correction.objects.get()
    assert stored.pk == correction.pk
    assert (stored.task, stored.old_label, stored.new_label) == ("sentiment", "negative", "neutral")
    assert stored.text == "Ce n'est pas négatif du tout"
    assert (stored.source, stored.source_id, stored.created_by) == ("inbox", 42, user)
    with unscoped():
        assert AuditEvent.objects.filter(action="analysis.correction", brand=tenants.brand_a)
    # Toxicity accepts yes/no words as well.
    toxic = do_record_correction(tenants.brand_a, task="toxicity", text="x y", new_label="false")
    assert toxic.new_label == "non-toxic"


@pytest.mark.parametrize(
    ("task", "label", "text"),
    [
        ("sentiment", "furious", "un texte"),
        ("mood", "positive", "un texte"),
        ("sentiment", "positive", "  "),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_stored(tenants, task, label, text):
    with pytest.raises(CorrectionError):
        do_record_correction(tenants.brand_a, task=task, text=text, new_label=label)
    with brand_scope(tenants.brand_a):
        assert not Correction.objects.exists()


def test_latest_correction_of_a_text_wins(tenants):
    for label in ("negative", "positive"):
        do_record_correction(tenants.brand_a, task="sentiment", text="mitigé", new_label=label)
    assert training_examples(tenants.brand_a)["sentiment"] == [("mitigé", "positive")]


def test_training_without_corrections_is_refused(tenants):
    with pytest.raises(NothingToTrain):
        do_train_brand_model(tenants.brand_a)
    assert versions(tenants.brand_a) == []


def test_training_on_corrections_changes_the_brand_verdicts_only(tenants):
    owner = tenants.owner
    assert _sentiments(PRAISE) != ["positive"] * 3  # the default model gets them wrong
    _correct_all(tenants.brand_a, owner)
    model = do_train_brand_model(tenants.brand_a, user=owner)

    assert (model.version, model.active) == (1, True)
    assert _sentiments(PRAISE, brand=tenants.brand_a) == ["positive"] * 3
    assert _sentiments(PRAISE, brand=tenants.brand_a.pk) == ["positive"] * 3
    # A copy of a corrected post (other case and spacing) gets the same human verdict.
    copy = "  VOTRE pub est à mourir de rire,   trop forte "
    assert _sentiments([copy], brand=tenants.brand_a) == ["positive"]
    # Brand B has no model: the default verdicts, unchanged.
    assert _sentiments(PRAISE, brand=tenants.brand_b) == _sentiments(PRAISE)
    assert active_bundle(tenants.brand_b) is None
    # Posts nobody corrected keep their verdicts.
    others = [
        "Colis jamais reçu, service client nul, je suis très déçu",
        "Merci beaucoup, livraison rapide et produit génial",
        "The worst support I have ever had, never again",
    ]
    assert _sentiments(others, brand=tenants.brand_a) == _sentiments(others)
    # Beyond the exact posts (overrides), the head itself moved towards the corrections.
    bundle = active_bundle(tenants.brand_a)
    features = prepare(PRAISE, bundle).features
    positive = bundle.sentiment.classes.index("positive")
    tuned = bundle.sentiment.predict_proba(features)[:, positive]
    default = load_bundle(None).sentiment.predict_proba(features)[:, positive]
    assert (tuned > default + 0.05).all(), (tuned, default)
    metrics = model.metrics["sentiment"]
    assert metrics["corrections"] == 3
    assert metrics["fit_on_corrections"] >= metrics["default_on_corrections"]
    assert metrics["agreement_with_default"] >= 0.9
    assert model.metrics["toxicity"] == {"corrections": 0}


def test_toxicity_corrections_move_the_toxic_verdict(tenants):
    texts = ["Colis jamais reçu, service nul 😡", "Encore en retard, c'est n'importe quoi !!!"]
    for text in texts:
        do_record_correction(tenants.brand_a, task="toxicity", text=text, new_label="non-toxic")
    do_train_brand_model(tenants.brand_a)
    results = analyze(texts, keywords=False, brand=tenants.brand_a)
    assert [r.toxic for r in results] == [False, False]
    defaults = analyze(["Ferme ta gueule espèce de connard"], keywords=False)
    (insult,) = analyze(
        ["Ferme ta gueule espèce de connard"], keywords=False, brand=tenants.brand_a
    )
    assert insult.toxic and defaults[0].toxic


def test_versions_rollback_and_activation(tenants):
    brand = tenants.brand_a
    _correct_all(brand, tenants.owner, texts=PRAISE[:1])
    v1 = do_train_brand_model(brand)
    _correct_all(brand, tenants.owner, texts=PRAISE[1:])
    v2 = do_train_brand_model(brand)
    listed = versions(brand)
    assert [(m.version, m.active) for m in listed] == [(2, True), (1, False)]
    assert listed[0].metrics["sentiment"]["corrections"] == 3
    assert listed[1].metrics["sentiment"]["corrections"] == 1
    assert _sentiments(PRAISE, brand=brand) == ["positive"] * 3

    assert do_rollback(brand).version == v1.version  # to the previous version
    with brand_scope(brand):
        assert BrandModel.objects.get(active=True).pk == v1.pk
    assert do_rollback(brand) is None  # before v1: the default model
    assert active_bundle(brand) is None
    assert _sentiments(PRAISE, brand=brand) == _sentiments(PRAISE)
    assert do_rollback(brand, to=2).pk == v2.pk
    assert _sentiments(PRAISE, brand=brand) == ["positive"] * 3
    with pytest.raises(CorrectionError):
        do_activate(brand, 7)
    # Not activating on training leaves the active version alone.
    v3 = do_train_brand_model(brand, activate=False)
    assert not v3.active and active_bundle(brand).manifest["version"] == 2
    with unscoped():
        actions = set(AuditEvent.objects.filter(brand=brand).values_list("action", flat=True))
    assert {"analysis.model_trained", "analysis.model_activated"} <= actions


def test_version_numbers_and_corrections_are_per_brand(tenants):
    _correct_all(tenants.brand_a, tenants.owner)
    do_train_brand_model(tenants.brand_a)
    do_record_correction(tenants.brand_b, task="sentiment", text="bof", new_label="negative")
    model_b = do_train_brand_model(tenants.brand_b)
    assert model_b.version == 1
    assert training_examples(tenants.brand_b)["sentiment"] == [("bof", "negative")]
    assert model_b.metrics["sentiment"]["corrections"] == 1
    # Brand A's corrections never reached brand B's model.
    assert _sentiments(PRAISE, brand=tenants.brand_b) == _sentiments(PRAISE)
    with brand_scope(tenants.brand_b):
        assert Correction.objects.count() == 1
        assert BrandModel.objects.count() == 1


def test_a_model_for_another_encoder_is_ignored(tenants):
    _correct_all(tenants.brand_a, tenants.owner)
    model = do_train_brand_model(tenants.brand_a)
    with brand_scope(tenants.brand_a):
        BrandModel.objects.filter(pk=model.pk).update(encoder_key="e5-small-q4-L12-query")
    assert active_bundle(tenants.brand_a) is None
    assert _sentiments(PRAISE, brand=tenants.brand_a) == _sentiments(PRAISE)


def test_corrections_in_the_same_vein_carry_over_to_new_posts(tenants):
    """A brand's slang: "ça tue" is praise. Eight corrections teach it; posts nobody
    corrected, written the same way, follow, and ordinary posts keep their verdicts."""
    slang = [
        "Ce parfum tue",
        "Cette robe tue, franchement",
        "Le nouveau mascara tue grave",
        "Ta vidéo tue",
        "Ce rouge tue vraiment",
        "Cette collection tue",
        "La pub de Noël tue",
        "Leur nouvelle crème tue",
    ]
    unseen = ["Ce vernis tue", "Le nouveau gloss tue franchement", "Cette palette tue"]
    assert set(_sentiments(unseen)) == {"negative"}
    _correct_all(tenants.brand_a, tenants.owner, texts=slang)
    model = do_train_brand_model(tenants.brand_a)
    assert _sentiments(unseen, brand=tenants.brand_a) == ["positive"] * 3
    ordinary = [
        "Colis jamais reçu, service client nul, je suis très déçu",
        "Le magasin ouvre à neuf heures demain",
        "Merci beaucoup, livraison rapide et produit génial",
    ]
    assert _sentiments(ordinary, brand=tenants.brand_a) == _sentiments(ordinary)
    assert model.metrics["sentiment"]["agreement_with_default"] >= 0.9
