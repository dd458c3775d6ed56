from tribune.analysis.langid import detect_language, detect_languages


def test_french_and_english_posts():
    texts = [
        "Bonjour à tous, la livraison est arrivée en avance, merci !",
        "Thanks a lot, the parcel arrived early this morning!",
        "Je ne comprends pas pourquoi ma commande est bloquée",
    ]
    assert detect_languages(texts) == ["fr", "en", "fr"]


def test_too_short_or_placeholder_only_is_undetermined():
    assert detect_language("ok") == "und"
    assert detect_language("👍👍") == "und"
    assert detect_language("@user http") == "und"
    assert detect_language("") == "und"


def test_languages_can_be_restricted():
    assert detect_language("Merci beaucoup pour tout", languages=("fr",)) == "fr"
    assert detect_language("Gracias por todo amigos", languages=("es", "fr", "en")) == "es"
