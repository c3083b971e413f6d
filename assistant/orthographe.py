"""Puts misspelt words back on the vocabulary the understanding knows.

Only a word that the lexicon does not know is corrected, in this order: an elision
glued to a known word ("lapl" -> "l apl", "lacte" -> "l acte"), a pronoun glued to one
("jtrouve" -> "je trouve"), a word that sounds the same ("alocassion" -> "allocation"),
then the closest word with the same first letter within one or two edits ("activiter" ->
"activite"), found by rapidfuzz. Names of people and places, which the caller points out,
are kept. A word of the language (`mots_du_francais`) only changes its ending ("frappait"
-> "frappe"): "peindre" is not a misspelt "pendre", nor "seize" a misspelt "cessez".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from spellchecker import SpellChecker

from assistant.normalisation import simplifier

_ELISIONS = ("qu", "l", "d", "j", "n", "m", "s", "t", "c")
_ELISIONS_COLLEES = ("qu", "l", "d", "j")
_TAILLE_CACHE = 20_000
_PRONOMS_COLLES = {"j": "je", "m": "me", "t": "te", "s": "se", "n": "ne"}
_VOYELLES = frozenset("aeiouyh")

# A rough French pronunciation: enough for two spellings of one word to meet.
_SONS = [
    (r"eau|au", "o"),
    (r"ph", "f"),
    (r"qu|q", "k"),
    (r"gu(?=[eiy])", "g"),
    (r"g(?=[eiy])", "j"),
    (r"c(?=[eiy])", "s"),
    (r"ch", "#"),
    (r"c", "k"),
    (r"#", "ch"),
    (r"t(?=ion)", "s"),
    (r"(?<=[aeiouy])s(?=[aeiouy])", "z"),
    (r"ai|ei|et$|er$|ez$", "e"),
    (r"y", "i"),
    (r"(?<![cs])h", ""),
    (r"([a-z])\1+", r"\1"),
    (r"(?<=.)[stdx]$", ""),
    (r"(?<=..)e$", ""),
    (r"[ae][nm](?=[^aeiouy]|$)", "an"),
    (r"[aei][nm](?=[^aeiouy]|$)", "in"),
    (r"om(?=[^aeiouy]|$)", "on"),
    (r"z", "s"),
]
_SONS_COMPILES = [(re.compile(motif), remplacement) for motif, remplacement in _SONS]


def cle_phonetique(mot: str) -> str:
    for motif, remplacement in _SONS_COMPILES:
        mot = motif.sub(remplacement, mot)
    return mot


@functools.cache
def mots_du_francais() -> frozenset[str]:
    """The French words of pyspellchecker's frequency list (132,000 once written without
    accents, as the understanding writes them). Loaded once per process: about 1 s, 14 MB."""
    frequences = SpellChecker(language="fr", distance=1).word_frequency
    return frozenset(mot for mot in map(simplifier, frequences.keys()) if mot.isalpha())


# Endings of French conjugation and agreement, longest first.
_TERMINAISONS = ("aient", "ait", "ais", "ant", "ent", "ees", "ee", "er", "ez", "es", "e", "s", "x")


def _radical(mot: str) -> str:
    """The word without its ending ("frappait", "frappe" -> "frapp"), keeping 4 letters."""
    for terminaison in _TERMINAISONS:
        if mot.endswith(terminaison) and len(mot) - len(terminaison) >= 4:
            return mot[: -len(terminaison)]
    return mot


def _distance_permise(mot: str) -> int:
    if len(mot) < 5:
        return 0
    return 1 if len(mot) < 8 else 2


class Correcteur:
    """`cibles`: words worth correcting towards; `connus`: words left as they are;
    `francais`: words of the language, only ever corrected into a form of themselves."""

    def __init__(
        self, cibles: Iterable[str], connus: Iterable[str] = (), francais: Iterable[str] = ()
    ) -> None:
        self._cibles = frozenset(m for m in cibles if m.isalpha())
        self._connus = frozenset(connus) | self._cibles
        self._francais = frozenset(francais)
        self._par_son: dict[str, str] = {}
        self._par_initiale: dict[str, list[str]] = {}
        for mot in sorted(self._cibles, key=lambda m: (len(m), m)):
            if len(mot) >= 4:
                self._par_son.setdefault(cle_phonetique(mot), mot)
            self._par_initiale.setdefault(mot[0], []).append(mot)
        self._cache: dict[str, tuple[str, ...]] = {}

    def corriger(self, mots: Iterable[str], garder: Iterable[int] = ()) -> tuple[str, ...]:
        """`garder`: positions of words that are names ("Bourges"), left as written."""
        gardes = frozenset(garder)
        resultat: list[str] = []
        for position, mot in enumerate(mots):
            if position in gardes or mot in self._connus or len(mot) < 4 or not mot.isalpha():
                resultat.append(mot)
                continue
            correction = self._cache.get(mot)
            if correction is None:
                correction = self._corriger_mot(mot)
                if len(self._cache) < _TAILLE_CACHE:
                    self._cache[mot] = correction
            resultat.extend(correction)
        return tuple(resultat)

    def _corriger_mot(self, mot: str) -> tuple[str, ...]:
        if mot in self._francais:
            # "frappait" may become "frappe", but "peindre" is not "pendre", "étrange" is
            # not "étranglé", nor "seize" "cessez": only the ending may change.
            proche = self._plus_proche(mot)
            if proche and _radical(proche) == _radical(mot):
                return (proche,)
            return (mot,)
        for elision in _ELISIONS:
            reste = mot[len(elision) :]
            if mot.startswith(elision) and len(reste) >= 3 and reste in self._cibles:
                return (elision, reste)
        # "lacte", "daffiche": an elision glued to any known word, which French elides only
        # before a vowel or a mute h.
        for elision in _ELISIONS_COLLEES:
            reste = mot[len(elision) :]
            if mot.startswith(elision) and reste[:1] in _VOYELLES and reste in self._connus:
                return (elision, reste)
        # "jtrouve", "jcomprend": a pronoun glued to a known word that starts with a
        # consonant, as typed fast.
        if mot[0] in _PRONOMS_COLLES and mot[1] not in _VOYELLES and mot[1:] in self._connus:
            return (_PRONOMS_COLLES[mot[0]], mot[1:])
        proche = self._plus_proche(mot)
        if proche:
            return (proche,)
        # Glued and misspelt ("lalocation"): only the usual elisions, by edit distance
        # alone, or a town ("marseille") would become "m harcele".
        for elision in _ELISIONS_COLLEES:
            reste = mot[len(elision) :]
            if mot.startswith(elision) and len(reste) >= 5:
                proche = self._plus_proche_par_distance(reste, 1)
                if proche:
                    return (elision, proche)
        return (mot,)

    def _plus_proche(self, mot: str) -> str | None:
        par_son = self._par_son.get(cle_phonetique(mot))
        if par_son:
            return par_son
        return self._plus_proche_par_distance(mot, _distance_permise(mot))

    def _plus_proche_par_distance(self, mot: str, distance: int) -> str | None:
        candidats = self._par_initiale.get(mot[0])
        if not distance or not candidats:
            return None
        trouve = process.extractOne(
            mot, candidats, scorer=Levenshtein.distance, score_cutoff=distance
        )
        return trouve[0] if trouve else None


class PhrasesApprochees:
    """Multi-word names found despite several misspellings ("prim d activiter").

    Only phrases whose first word starts with the same two letters as a word of the
    message are compared, with rapidfuzz and a cutoff, so a catalogue of a thousand
    aids stays fast.
    """

    def __init__(self, phrases: Iterable[tuple[str, ...]], seuil: float = 86.0) -> None:
        self._seuil = seuil
        self._par_debut: dict[tuple[str, int], list[str]] = {}
        self._mots: dict[str, tuple[str, ...]] = {}
        for phrase in phrases:
            texte = " ".join(phrase)
            if len(phrase) < 2 or len(texte) < 8 or texte in self._mots:
                continue
            self._mots[texte] = phrase
            self._par_debut.setdefault((phrase[0][:2], len(phrase)), []).append(texte)
        self._longueurs = sorted({n for _, n in self._par_debut}, reverse=True)

    def chercher(self, mots: tuple[str, ...]) -> list[tuple[int, int, tuple[str, ...]]]:
        trouves = []
        debut = 0
        while debut < len(mots):
            for longueur in self._longueurs:
                candidats = self._par_debut.get((mots[debut][:2], longueur))
                if not candidats or debut + longueur > len(mots):
                    continue
                texte = " ".join(mots[debut : debut + longueur])
                trouve = process.extractOne(
                    texte, candidats, scorer=fuzz.ratio, score_cutoff=self._seuil
                )
                if trouve:
                    trouves.append((debut, debut + longueur, self._mots[trouve[0]]))
                    debut += longueur - 1
                    break
            debut += 1
        return trouves
