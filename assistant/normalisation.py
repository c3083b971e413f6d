"""Turns a message as people really write it into plain lowercase words.

"Jai pa reçu l'APL!!! euh c koi le pb" becomes "j ai pas recu l apl c est quoi le probleme".
Elisions are split with a space ("l'apl" -> "l apl"), the convention of the content
files, so that words written there and words typed by people meet. The SMS spellings
and the fillers come from `contenus/lexique.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Letters that NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})
_NUMERO = re.compile(r"\bn\s*[°º]|\bno\.|\bn[°º]?\s*(?=\d)")
_NON_ALPHANUMERIQUE = re.compile(r"[^a-z0-9]+")
# Three or more times the same letter: "ouiiii", "stooop". Doubled letters are spelling.
_LETTRE_REPETEE = re.compile(r"([a-z])\1{2,}")
_EURO = re.compile(r"€")


@dataclass(frozen=True)
class TexteNormalise:
    texte: str
    tokens: tuple[str, ...]
    # The message asked something with "?", which punctuation removal hides.
    question: bool = False


def simplifier(texte: str) -> str:
    """Lowercase, no accents, only letters, digits and single spaces."""
    texte = texte.lower().translate(_LIGATURES)
    texte = _NUMERO.sub(" numero ", texte)
    texte = _EURO.sub(" euros ", texte)
    decompose = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    sans_accents = _NON_ALPHANUMERIQUE.sub(" ", sans_accents)
    return _LETTRE_REPETEE.sub(r"\1", sans_accents)


class Normaliseur:
    """Applies the SMS spellings and drops the fillers of spoken French.

    `sms` maps one token to its written form (one or more words); `remplissage` lists
    fillers, single words or short phrases, removed wherever they stand alone.
    `avant` maps a token to what it means unless the next token is given there:
    "c" means "c est" except in "c est" itself.
    """

    def __init__(
        self,
        sms: Mapping[str, str] | None = None,
        remplissage: Iterable[str] = (),
        sauf_avant: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._sms = {simplifier(k).strip(): simplifier(v).split() for k, v in (sms or {}).items()}
        self._sauf_avant = {k: frozenset(v) for k, v in (sauf_avant or {}).items()}
        phrases = [tuple(simplifier(p).split()) for p in remplissage]
        self._remplissage = sorted({p for p in phrases if p}, key=len, reverse=True)
        self._longueur_max = max((len(p) for p in self._remplissage), default=0)
        self._remplissage_ensemble = frozenset(self._remplissage)

    def __call__(self, texte: str) -> TexteNormalise:
        mots = self._developper(simplifier(texte).split())
        mots = self._sans_remplissage(mots)
        return TexteNormalise(" ".join(mots), tuple(mots), question="?" in texte)

    def _developper(self, mots: list[str]) -> list[str]:
        resultat: list[str] = []
        for position, mot in enumerate(mots):
            suivant = mots[position + 1] if position + 1 < len(mots) else ""
            if mot in self._sms and suivant not in self._sauf_avant.get(mot, ()):
                resultat.extend(self._sms[mot])
            else:
                resultat.append(mot)
        return resultat

    def _sans_remplissage(self, mots: list[str]) -> list[str]:
        if not self._remplissage:
            return mots
        resultat: list[str] = []
        position = 0
        while position < len(mots):
            for longueur in range(min(self._longueur_max, len(mots) - position), 0, -1):
                if tuple(mots[position : position + longueur]) in self._remplissage_ensemble:
                    position += longueur
                    break
            else:
                resultat.append(mots[position])
                position += 1
        return resultat
