"""Tells whether a message reveals danger or distress, and which kind.

Checked before anything else and biased towards recall: a missed distress message is
the worst failure. The words come from `contenus/urgences.yaml`, the sentence shapes
from `contenus/lexique.yaml`. Naming an emergency number counts, unless the message
only asks what that number is ("le 115 c'est quoi").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.contenus import SituationUrgence
from assistant.erreurs import ContenuInvalide
from assistant.lexique import Lexique
from assistant.reperage import IndexPhrases, Sens


@dataclass(frozen=True)
class Detresse:
    situation: str | None


class DetecteurDetresse:
    def __init__(
        self,
        situations: Iterable[SituationUrgence],
        lexique: Lexique,
        normaliser: Callable[[str], tuple[str, ...]],
    ) -> None:
        self._index = IndexPhrases()
        connues = set()
        for situation in situations:
            connues.add(situation.id)
            for mot in situation.mots:
                self._index.ajouter(normaliser(mot), Sens("urgence", situation.id))
        inconnues = {s for s in lexique.motifs_urgence if s is not None} - connues
        inconnues |= set(lexique.numeros_urgence.values()) - connues
        if inconnues:
            raise ContenuInvalide(
                [f"lexique.yaml: urgence: situation inconnue {s!r}" for s in sorted(inconnues)]
            )
        self._motifs = lexique.motifs_urgence
        self._exclusions = lexique.exclusions_urgence
        self._numeros = lexique.numeros_urgence
        self._questions = lexique.questions_sur_un_numero

    def detecter(self, mots: tuple[str, ...]) -> Detresse | None:
        texte = " ".join(mots)
        for exclusion in self._exclusions:
            texte = exclusion.sub(" ", texte)
        mots = tuple(texte.split())
        texte = " ".join(mots)
        for reperage in self._index.reperer(mots):
            return Detresse(reperage.sens[0].cible)
        # Situations first, the unnamed danger (None) last.
        for situation, motifs in sorted(self._motifs.items(), key=lambda s: s[0] is None):
            if any(motif.search(texte) for motif in motifs):
                return Detresse(situation)
        numeros = [self._numeros[m] for m in mots if m in self._numeros]
        if numeros and not any(question.search(texte) for question in self._questions):
            return Detresse(numeros[0])
        return None
