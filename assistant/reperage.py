"""Finds known phrases in a list of words, the longest first, without overlaps.

"numero de dossier" is then read as one phrase rather than as "numero" (a contact cue)
and "dossier". Words are compared by a light stem (final s or x dropped) so that
"allocations familiales" and "allocation familiale" meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def racine(mot: str) -> str:
    if len(mot) > 3 and mot[-1] in "sx":
        return mot[:-1]
    return mot


def racines(mots: Iterable[str]) -> tuple[str, ...]:
    return tuple(racine(m) for m in mots)


@dataclass(frozen=True)
class Sens:
    """What a phrase tells: `genre` is aide, indice, intention, organisme or politesse."""

    genre: str
    cible: str = ""
    poids: float = 1.0


@dataclass(frozen=True)
class Reperage:
    debut: int
    fin: int
    sens: tuple[Sens, ...]


class IndexPhrases:
    def __init__(self) -> None:
        self._phrases: dict[tuple[str, ...], list[Sens]] = {}
        self._longueur_max = 0

    def ajouter(self, mots: Sequence[str], sens: Sens) -> None:
        cle = racines(mots)
        if not cle:
            return
        liste = self._phrases.setdefault(cle, [])
        # One weight for one meaning: "demande" and "demandes" share a stem and must not
        # add up; the heavier one is kept.
        for position, deja in enumerate(liste):
            if (deja.genre, deja.cible) == (sens.genre, sens.cible):
                if sens.poids > deja.poids:
                    liste[position] = sens
                break
        else:
            liste.append(sens)
        self._longueur_max = max(self._longueur_max, len(cle))

    def sens(self, mots: Sequence[str]) -> tuple[Sens, ...]:
        return tuple(self._phrases.get(racines(mots), ()))

    def reperer(self, mots: Sequence[str]) -> list[Reperage]:
        cles = racines(mots)
        trouves: list[tuple[int, int]] = []
        for debut in range(len(cles)):
            for longueur in range(min(self._longueur_max, len(cles) - debut), 0, -1):
                if cles[debut : debut + longueur] in self._phrases:
                    trouves.append((debut, longueur))
        trouves.sort(key=lambda t: (-t[1], t[0]))
        pris = [False] * len(cles)
        reperages = []
        for debut, longueur in trouves:
            if any(pris[debut : debut + longueur]):
                continue
            pris[debut : debut + longueur] = [True] * longueur
            sens = tuple(self._phrases[cles[debut : debut + longueur]])
            reperages.append(Reperage(debut, debut + longueur, sens))
        reperages.sort(key=lambda r: r.debut)
        return reperages
