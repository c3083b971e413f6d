"""Tells whether a message reveals danger or distress, and which kind.

Checked before anything else and biased towards recall: a missed distress message is
the worst failure. The words come from `contenus/urgences.yaml`, the sentence shapes
from `contenus/lexique.yaml`. Naming an emergency number counts, unless the message
only asks what that number is ("le 115 c'est quoi").

Every situation the message shows is gathered, then the first one in the lexicon's order
of priority is kept: "le voisin tape son gosse" is a child in danger (119) before it is
violence. A context can then requalify it: blows or hunger in a care home, or dealt to an
older person, are ill-treatment (3977).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.contenus import SituationUrgence
from assistant.erreurs import ContenuInvalide
from assistant.lexique import Lexique
from assistant.mots_requis import FiltreDeMotifs
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
        inconnues |= set(lexique.priorite_urgence) - connues
        for cible, (sources, _) in lexique.requalifications_urgence.items():
            inconnues |= ({cible} | {s for s in sources if s is not None}) - connues
        if inconnues:
            raise ContenuInvalide(
                [f"lexique.yaml: urgence: situation inconnue {s!r}" for s in sorted(inconnues)]
            )
        frequents = frozenset(lexique.vides)
        # Every situation's patterns in one index: a message runs only those it may match.
        self._motifs = FiltreDeMotifs(
            (
                (situation, m)
                for situation, motifs in lexique.motifs_urgence.items()
                for m in motifs
            ),
            frequents,
        )
        self._exclusions = FiltreDeMotifs(
            ((None, m) for m in lexique.exclusions_urgence), frequents
        )
        self._numeros = lexique.numeros_urgence
        self._questions = lexique.questions_sur_un_numero
        self._requalifications = lexique.requalifications_urgence
        self._mots_du_filet = lexique.filet_urgence
        self._maintenant_du_filet = lexique.filet_maintenant_urgence
        self._pas_maintenant = lexique.pas_maintenant_urgence
        self._maintenant = lexique.maintenant_urgence
        ordre = list(lexique.priorite_urgence)
        ordre += sorted(connues - set(ordre))
        self._rang: dict[str | None, int] = {s: rang for rang, s in enumerate(ordre)}
        # The unnamed danger comes last.
        self._rang[None] = len(ordre)

    def question_sur_un_numero(self, mots: tuple[str, ...]) -> bool:
        """The message asks what an emergency number is ("le 115 c'est gratuit ?")."""
        if not any(m in self._numeros for m in mots):
            return False
        texte = " ".join(mots)
        return any(question.search(texte) for question in self._questions)

    def danger_d_un_autre_moment(self, mots: tuple[str, ...]) -> bool:
        """The message puts its danger at another moment than now: in the past ("il y a
        deux ans", "c'est fini", "après un AVC"), in a habit ("en fin de mois"), or asks
        for someone else ("je suis infirmière", "pour l'afficher"); and says nothing of
        now ("ce soir", "encore") outside a turn of phrase ("j'ai trouvé où dormir")."""
        texte = " ".join(self._sans_figures(mots))
        return any(m.search(texte) for m in self._pas_maintenant) and not any(
            m.search(texte) for m in self._maintenant
        )

    def filet(self, mots: tuple[str, ...]) -> bool:
        """A word of harm ("sang", "gaz", "couteau") in a message about right now ("ce
        soir", "depuis dix minutes"): distress no pattern described. The caller applies it
        only when no aid is asked about. Figures of speech ("trop faim lol") do not count."""
        if self._mots_du_filet.isdisjoint(mots):
            return False
        mots = self._sans_figures(mots)
        if self._mots_du_filet.isdisjoint(mots):
            return False
        texte = " ".join(mots)
        return any(m.search(texte) for m in self._maintenant_du_filet)

    def _sans_figures(self, mots: tuple[str, ...]) -> tuple[str, ...]:
        """The words without the turns of phrase that only sound like danger."""
        texte = " ".join(mots)
        for _, exclusion in self._exclusions.possibles(frozenset(mots)):
            texte = exclusion.sub(" ", texte)
        return tuple(texte.split())

    def detecter(self, mots: tuple[str, ...]) -> Detresse | None:
        mots = self._sans_figures(mots)
        texte = " ".join(mots)
        presents = frozenset(mots)
        trouvees: set[str | None] = {
            sens.cible for reperage in self._index.reperer(mots) for sens in reperage.sens
        }
        for situation, motif in self._motifs.possibles(presents):
            if situation not in trouvees and motif.search(texte):
                trouvees.add(situation)
        if not trouvees:
            numeros = [self._numeros[m] for m in mots if m in self._numeros]
            if numeros and not any(question.search(texte) for question in self._questions):
                trouvees.add(numeros[0])
        if not trouvees:
            return None
        situation = min(trouvees, key=lambda s: self._rang.get(s, len(self._rang)))
        for cible, (sources, contextes) in self._requalifications.items():
            if situation in sources and any(contexte.search(texte) for contexte in contextes):
                return Detresse(cible)
        return Detresse(situation)
