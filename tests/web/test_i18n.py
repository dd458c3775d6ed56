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


def _po_pairs(text: str) -> dict[str, str]:
    import ast

    pairs, key, current = {}, None, {"msgid": "", "msgstr": ""}
    for line in text.splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ")):
            key = line.split(" ", 1)[0]
            current[key] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current["msgid"]:
                pairs[current["msgid"]] = current["msgstr"]
            key, current = None, {"msgid": "", "msgstr": ""}
    return pairs


def test_compiled_catalogue_matches_the_po_file():
    import gettext

    folder = LOCALE / "fr" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in _po_pairs((folder / "django.po").read_text(encoding="utf-8")).items():
        assert compiled.gettext(msgid) == msgstr, f"run `make messages`: {msgid!r} is stale"


def test_french_by_default_and_english_on_request(client, tenants):
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    page = client.get("/b/alpha/").content.decode()
    assert "Tableau de bord · Alpha" in page and 'lang="fr"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/b/alpha/"})
    page = client.get("/b/alpha/").content.decode()
    assert "Dashboard · Alpha" in page and 'lang="en"' in page
