"""The words a pattern cannot match without: a cheap test before running the pattern.

Python's `re` tries every alternative of a pattern at every position of the text, so the
distress lexicon's few hundred patterns cost more than all the rest of the understanding.
Most of them need one word out of a short list ("fumee", "gaz", "couteau"...): when the
message has none of those words, the pattern cannot match and is not run.

The words are read off the pattern's syntax tree. A pattern whose words cannot be read
for sure (it starts with a character class, say) gets no filter and always runs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

with warnings.catch_warnings():
    # Deprecated as public modules, still the parser `re` itself uses.
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as sc
    import sre_parse

# What a pattern stands for, for the caller.
E = TypeVar("E")
# Beyond this many first words a branch is not worth filtering on.
_MAX_MOTS = 400


@dataclass(frozen=True)
class MotsRequis:
    """A match contains one of `mots` as a whole word, or a word starting with a prefix."""

    mots: frozenset[str]
    prefixes: tuple[str, ...]


class FiltreDeMotifs(Generic[E]):
    """Patterns, each with what it stands for (a situation, an intent and its weight),
    indexed by the words they need: a message's words give the patterns it may match, in
    their order, without testing each pattern's list."""

    def __init__(
        self, motifs: Iterable[tuple[E, re.Pattern[str]]], frequents: frozenset[str]
    ) -> None:
        self._motifs = tuple(motifs)
        self._toujours: set[int] = set()
        self._par_mot: dict[str, set[int]] = {}
        self._par_prefixe: dict[str, set[int]] = {}
        for rang, (_, motif) in enumerate(self._motifs):
            requis = mots_requis(motif, frequents)
            if requis is None:
                self._toujours.add(rang)
                continue
            for mot in requis.mots:
                self._par_mot.setdefault(mot, set()).add(rang)
            for prefixe in requis.prefixes:
                self._par_prefixe.setdefault(prefixe, set()).add(rang)
        self._longueurs = sorted({len(p) for p in self._par_prefixe})

    def possibles(self, mots: frozenset[str]) -> list[tuple[E, re.Pattern[str]]]:
        """The patterns these words may match, with what each stands for, in order."""
        return [self._motifs[rang] for rang in self.rangs(mots)]

    def rangs(self, mots: frozenset[str]) -> list[int]:
        """The positions, in order, of the patterns these words may match."""
        rangs = set(self._toujours)
        for mot in mots:
            rangs.update(self._par_mot.get(mot, ()))
            for longueur in self._longueurs:
                if longueur > len(mot):
                    break
                rangs.update(self._par_prefixe.get(mot[:longueur], ()))
        return sorted(rangs)


class _Illisible(Exception):
    pass


def mots_requis(motif: re.Pattern[str], frequents: frozenset[str]) -> MotsRequis | None:
    """The rarest word list the pattern needs, or None when it cannot be read.

    `frequents`: words that would let almost every message through ("je", "il"...): a
    list with fewer of them is preferred."""
    try:
        arbre: list[tuple] = sre_parse.parse(motif.pattern, motif.flags).data
    except (re.error, RecursionError):
        return None
    return _meilleur(arbre, frequents)


def _meilleur(sequence: list[tuple], frequents: frozenset[str]) -> MotsRequis | None:
    if len(sequence) == 1 and sequence[0][0] is sc.BRANCH:
        # "a|b|c" at the top: each alternative needs its own words.
        parties = [_meilleur(list(alt), frequents) for alt in sequence[0][1][1]]
        if any(p is None for p in parties):
            return None
        return MotsRequis(
            frozenset().union(*(p.mots for p in parties if p)),
            tuple(x for p in parties if p for x in p.prefixes),
        )
    candidats = []
    for debut in range(len(sequence)):
        if not _commence_un_mot(sequence, debut) or _facultatif(sequence[debut]):
            continue
        trouves: set[tuple[str, bool]] = set()
        try:
            _premiers_mots(sequence[debut:], "", trouves)
        except _Illisible:
            continue
        if trouves and len(trouves) <= _MAX_MOTS:
            mots = frozenset(m for m, entier in trouves if entier)
            prefixes = tuple(sorted(m for m, entier in trouves if not entier))
            cout = (len(mots & frequents) + len(prefixes), len(trouves))
            candidats.append((cout, MotsRequis(mots, prefixes)))
    if not candidats:
        return None
    return min(candidats, key=lambda c: c[0])[1]


def _commence_un_mot(sequence: list[tuple], position: int) -> bool:
    if position == 0:
        # Nothing says the match starts a word: "frigo" could end "superfrigo".
        return False
    op, valeur = sequence[position - 1]
    if op is sc.AT:
        return valeur in (sc.AT_BOUNDARY, sc.AT_BEGINNING)
    return op is sc.LITERAL and valeur == ord(" ")


def _facultatif(element: tuple) -> bool:
    op, valeur = element
    if op is sc.AT:
        return True
    return op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and valeur[0] == 0


def _premiers_mots(pile: list[tuple], mot: str, trouves: set[tuple[str, bool]]) -> None:
    """Adds to `trouves` every (first word, whole) a match starting here can begin with:
    whole when the pattern ends the word (space or boundary), else a prefix."""
    if len(trouves) > _MAX_MOTS:
        raise _Illisible
    for position, (op, valeur) in enumerate(pile):
        reste = pile[position + 1 :]
        if op is sc.AT:
            if mot and valeur in (sc.AT_BOUNDARY, sc.AT_END):
                trouves.add((mot, True))
                return
            continue
        if op in (sc.ASSERT, sc.ASSERT_NOT):
            continue
        if op is sc.LITERAL:
            if valeur == ord(" "):
                if not mot:
                    raise _Illisible
                trouves.add((mot, True))
                return
            mot += chr(valeur)
            continue
        if op is sc.SUBPATTERN:
            _premiers_mots(list(valeur[-1]) + reste, mot, trouves)
            return
        if op is sc.BRANCH:
            for alternative in valeur[1]:
                _premiers_mots(list(alternative) + reste, mot, trouves)
            return
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and valeur[1] == 1:
            # At most once: with it, and without it when it may be left out.
            _premiers_mots(list(valeur[2]) + reste, mot, trouves)
            if valeur[0] == 0:
                _premiers_mots(reste, mot, trouves)
            return
        # A class, a repeat, any character: the word goes on unknown.
        if not mot:
            raise _Illisible
        trouves.add((mot, False))
        return
    if not mot:
        raise _Illisible
    trouves.add((mot, False))
