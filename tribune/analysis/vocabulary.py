"""Small word lists: function words per language and the set of "known" words.

Function words serve two purposes: a cheap language guess for the lexicon fast path
(lingua costs ~0.3 ms a post, far too slow for 20,000 posts a second) and the
vocabulary that decides how to undo elongations and split lower-case hashtags.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


FR_FUNCTION_WORDS = words(
    """
    le la les un une des du de au aux ce cet cette ces mon ma mes ton ta tes son sa ses
    notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se lui eux
    moi toi soi y en qui que quoi dont où quand comment pourquoi combien et ou mais donc
    or ni car si ne pas plus jamais rien aucun aucune personne très trop peu beaucoup
    aussi encore déjà toujours souvent ici là avec sans pour par sur sous dans chez vers
    entre depuis pendant avant après contre selon est sont suis es sommes êtes était
    étaient été être ai as avons avez ont avait avoir fait faire va vont vais c ça cela
    ceci celui celle ceux tout tous toute toutes quel quelle quels quelles même autre
    bien oui non alors comme parce puis enfin voilà cest jai tres
    """
)

EN_FUNCTION_WORDS = words(
    """
    the a an of to in on at by for with from into about as is are was were be been being
    am do does did done have has had having i you he she it we they me him her us them my
    your his its our their this that these those there here what which who whom whose
    when where why how not no never nothing and or but so if then than too very just
    can could will would shall should may might must don't doesn't didn't isn't aren't
    wasn't can't won't it's i'm you're that's all any some more most much many such only
    own same other again also still yet up down out over under after before because while
    """
)

# Plain words that are neither function words nor in a lexicon but often come out of
# hashtags or elongations; a short list keeps "#bonnejournee"-style splitting honest.
_EXTRA_WORDS = words(
    """
    journée journee soirée soiree semaine weekend matin nuit jour année annee an mois
    nouveau nouvelle nouvel grand grande petit petite vie monde france paris ville
    équipe equipe service client clients produit produits commande livraison colis
    prix offre compte appli application site internet réseau reseau message réponse
    reponse heure heures temps météo meteo soleil pluie été hiver printemps automne
    happy good day night morning love life new year week time great best work team
    customer service order delivery price app account update news world people
    """
)


def _data_path(name: str) -> Path:
    return Path(str(resources.files("tribune.analysis") / "data" / name))


def vader_lexicon_path() -> Path:
    """The English VADER lexicon shipped inside the ``vaderSentiment`` package."""
    import vaderSentiment

    return Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")


@cache
def known_words() -> frozenset[str]:
    """Single words we are confident are spelled right, all languages together."""
    words: set[str] = set(FR_FUNCTION_WORDS | EN_FUNCTION_WORDS | _EXTRA_WORDS)
    with _data_path("lexicon_fr.txt").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                words.update(line.split("\t", 1)[0].replace("'", " ").split())
    try:
        with vader_lexicon_path().open(encoding="utf-8") as handle:
            words.update(line.split("\t", 1)[0] for line in handle if line[:1].isalpha())
    except (ImportError, OSError):  # English lexicon missing: French words still help
        pass
    return frozenset(w for w in words if len(w) > 1 or w in {"a", "y", "i"})


def guess_language(tokens: list[str]) -> str:
    """Guess fr/en from function words; "und" when neither clearly wins."""
    fr = en = 0
    for token in tokens:
        if token in FR_FUNCTION_WORDS:
            fr += 1
        if token in EN_FUNCTION_WORDS:
            en += 1
    if fr > en:
        return "fr"
    if en > fr:
        return "en"
    return "und"
