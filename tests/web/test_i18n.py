from pathlib import Path

from django.urls import reverse

from tests.conftest import PASSWORD

LOCALE = Path(__file__).resolve().parents[2] / "tribune" / "locale"


def test_french_catalogue_is_complete():
    import re

    text = (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = re.split(r"\n\n", text)[1:]  # the first entry is the header
    # An entry whose msgstr is empty and has no continuation lines is untranslated.
    untranslated = [e for e in entries if e.strip().splitlines()[-1] == 'msgstr ""']
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    mo = LOCALE / "fr" / "LC_MESSAGES" / "django.mo"
    assert mo.stat().st_mtime >= (LOCALE / "fr" / "LC_MESSAGES" / "django.po").stat().st_mtime - 1


def test_french_by_default_and_english_on_request(client, tenants):
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    page = client.get("/b/alpha/").content.decode()
    assert "Tableau de bord de Alpha" in page and 'lang="fr"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/b/alpha/"})
    page = client.get("/b/alpha/").content.decode()
    assert "Dashboard of Alpha" in page and 'lang="en"' in page
