"""The dialogue engine: (state, message, content, now) -> (reply, new state).

Pure and synchronous: no I/O, no clock of its own, no channel names. Every sentence
comes from `contenus/`; the engine only chooses which ones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Protocol

from assistant import suivi_dossier
from assistant.comprehension import Comprehenseur, Comprehension
from assistant.contenus import Catalogue
from assistant.etat import EtatDialogue
from assistant.faits import Faits
from assistant.reponse import (
    DESABONNER,
    PRIORITE_URGENCE,
    REABONNER,
    TRANSMETTRE,
    Action,
    Bloc,
    Choix,
    MessageEntrant,
    Reponse,
)

# Intents answered from an aid's content file, by the template of the same name.
INTENTIONS_SUR_AIDE = ("info_aide", "eligibilite", "montant", "demarche", "pieces", "contact")
# Replies made of one phrase of phrases.yaml (or a template of that name), without an aid.
NATURES_SANS_AIDE = (
    "salutation",
    "menu",
    "vide",
    "start",
    "stop",
    "desabonne",
    "conseiller",
    "conseiller_refuse",
    "incompris",
    "incompris_conseiller",
    "hors_sujet",
    "remerciement",
    "quelle_aide",
    "quelle_aide_parmi",
    "orientation",
    "quel_dossier",
    "demande_numero",
    "demande_date",
    "rappel_numero",
    "rappel_date",
    "controle_echoue",
    "controle_verrouille",
    "alerte_question",
    "alerte_oui",
    "alerte_non",
    "contact_general",
    "piece_jointe",
    "indisponible",
)
# Below this confidence, a message counts as not understood.
SEUIL_COMPRIS = 0.45
# Misunderstandings in a row after which a person is offered.
INCOMPRIS_AVANT_CONSEILLER = 2

# While the conversation awaits a file number, these still get their own answer.
_INTENTIONS_QUI_INTERROMPENT = ("urgence", "stop", "conseiller", "menu", "salutation")
_MOTS_REPRISE = {"start", "unstop", "reprendre", "demarrer", "yes", "oui start"}
_OUI_NON = {
    **dict.fromkeys(("oui", "ouais", "ouai", "oui merci", "yes", "ok", "d'accord", "dac"), "oui"),
    **dict.fromkeys(("non", "non merci", "nan", "no"), "non"),
}
_NOMBRE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Decision:
    reponse: Reponse
    etat: EtatDialogue


class Lecteur(Protocol):
    """Anything that understands a message (the Comprehenseur, or a table in tests)."""

    def comprendre(self, texte: str) -> Comprehension: ...


@dataclass(frozen=True)
class Moteur:
    """What the engine knows: the content, and the understanding built from it."""

    catalogue: Catalogue
    comprehenseur: Lecteur

    @classmethod
    def depuis_catalogue(cls, catalogue: Catalogue) -> Moteur:
        return cls(catalogue, Comprehenseur(catalogue))

    def decider(
        self,
        etat: EtatDialogue,
        message: MessageEntrant,
        maintenant: dt.datetime,
        faits: Faits | None = None,
    ) -> Decision:
        """`faits`: what the service looked up for this turn (the person's files)."""
        tour = _Tour(self, faits or Faits(), maintenant)
        return tour.decider(etat, message)

    def reponse_sur_aide(self, intention: str, aide: str) -> Reponse:
        """The reply to `intention` about `aide`, as a fresh conversation would get it."""
        tour = _Tour(self, Faits(), dt.datetime.min)
        return tour._sur_aide(EtatDialogue(), intention, aide, confiance=1.0).reponse

    @staticmethod
    def reponse_simple(nature: str) -> Reponse:
        return Reponse((Bloc(nature),))


class _Tour:
    """One decision, with the facts and the time of this turn at hand."""

    def __init__(self, moteur: Moteur, faits: Faits, maintenant: dt.datetime) -> None:
        self.catalogue = moteur.catalogue
        self.comprehenseur = moteur.comprehenseur
        self.faits = faits
        self.maintenant = maintenant
        self.texte = ""

    def decider(self, etat: EtatDialogue, message: MessageEntrant) -> Decision:
        texte = self.texte = message.texte.strip()
        if message.pieces_jointes and not texte:
            reponse = Reponse((Bloc("piece_jointe"),), intention="piece_jointe", confiance=1.0)
            return Decision(reponse, etat)
        decision = self._decider_texte(etat, message, texte)
        if message.pieces_jointes:
            reponse = decision.reponse
            blocs = (*reponse.blocs, Bloc("piece_jointe"))
            return Decision(replace(reponse, blocs=blocs), decision.etat)
        return decision

    def _decider_texte(self, etat: EtatDialogue, message: MessageEntrant, texte: str) -> Decision:
        valeur = message.choix or self._choix_designe(etat, texte)
        if valeur is not None:
            return self._appliquer_choix(etat, valeur)
        if not texte:
            return self._menu(etat, Bloc("vide"), intention="menu", confiance=1.0)
        if texte.lower().strip(" .!") in _MOTS_REPRISE:
            if not self.faits.desabonne:
                # START from someone who never said STOP (Telegram's /start): a greeting.
                return self._menu(etat, Bloc("salutation"), intention="salutation", confiance=1.0)
            reponse = Reponse(
                (Bloc("start"),), actions=(Action(REABONNER),), intention="start", confiance=1.0
            )
            return Decision(reponse, EtatDialogue())
        if etat.attente in (suivi_dossier.ATTENTE_NUMERO, suivi_dossier.ATTENTE_DATE):
            return self._repondre_a_la_question(etat, texte)
        return self._repondre(etat, self.comprehenseur.comprendre(texte))

    # --- application status -----------------------------------------------------------

    def _libelles_alerte(self) -> tuple[str, str]:
        phrases = self.catalogue.phrases
        return phrases["alerte_oui_choix"], phrases["alerte_non_choix"]

    def _issue(self, issue: suivi_dossier.Issue) -> Decision:
        return Decision(issue.reponse, issue.etat)

    def _statut_dossier(self, etat: EtatDialogue) -> Decision:
        libelles = {i: a.nom_court for i, a in self.catalogue.aides.items()}
        return self._issue(
            suivi_dossier.commencer(
                etat, self.texte, self.faits, self.maintenant, self._libelles_alerte(), libelles
            )
        )

    def _repondre_a_la_question(self, etat: EtatDialogue, texte: str) -> Decision:
        """The conversation awaits a file number or a date of birth."""
        issue = suivi_dossier.suite_attendue(
            etat, texte, self.faits, self.maintenant, self._libelles_alerte()
        )
        if issue is not None:
            return self._issue(issue)
        compris = self.comprehenseur.comprendre(texte)
        autre_demande = compris.intention in _INTENTIONS_QUI_INTERROMPENT or (
            compris.intention in INTENTIONS_SUR_AIDE
            and compris.aide is not None
            and compris.confiance >= SEUIL_COMPRIS
        )
        if autre_demande:
            return self._repondre(etat.evoluer(attente=None), compris)
        incompris = etat.incompris + 1
        if incompris >= INCOMPRIS_AVANT_CONSEILLER:
            return self._incompris(etat.evoluer(attente=None), compris)
        nature = "rappel_numero" if etat.attente == suivi_dossier.ATTENTE_NUMERO else "rappel_date"
        reponse = Reponse((Bloc(nature),), intention="statut_dossier", confiance=compris.confiance)
        return Decision(reponse, etat.evoluer(incompris=incompris))

    def _choix_de_dossier(self, etat: EtatDialogue, valeur: str) -> Decision | None:
        genre, _, reste = valeur.partition(":")
        if genre == "dossier":
            dossier = next((d for d in self.faits.dossiers_du_telephone if d.numero == reste), None)
            if dossier is None:
                return self._statut_dossier(etat)
            return self._issue(
                suivi_dossier.reveler(etat, dossier, "telephone", self._libelles_alerte())
            )
        if genre == "alerte":
            reponse_alerte, _, numero = reste.partition(":")
            action = Action(suivi_dossier.ALERTE, motif=reponse_alerte, cible=numero)
            nature = "alerte_oui" if reponse_alerte == "oui" else "alerte_non"
            reponse = Reponse((Bloc(nature),), actions=(action,), intention="statut_dossier")
            return Decision(reponse, etat)
        return None

    # --- numbered choices -------------------------------------------------------------

    def _choix_designe(self, etat: EtatDialogue, texte: str) -> str | None:
        if not etat.choix:
            return None
        reponse = _OUI_NON.get(texte.lower().strip(" .!"))
        if reponse is not None:
            # "oui" / "non" typed in words answers a yes/no question.
            return next((c.valeur for c in etat.choix if f":{reponse}" in c.valeur), None)
        nombre = _NOMBRE.match(texte)
        if not nombre:
            return None
        rang = int(nombre.group(1))
        if rang == 0:
            return "menu:conseiller"
        if 1 <= rang <= len(etat.choix):
            return etat.choix[rang - 1].valeur
        return None

    def _appliquer_choix(self, etat: EtatDialogue, valeur: str) -> Decision:
        genre, _, cible = valeur.partition(":")
        etat = etat.evoluer(choix=(), incompris=0)
        sur_dossier = self._choix_de_dossier(etat, valeur)
        if sur_dossier is not None:
            return sur_dossier
        if genre == "aide" and cible in self.catalogue.aides:
            intention = etat.intention_en_attente or "info_aide"
            return self._sur_aide(etat, intention, cible, confiance=1.0)
        if genre == "intention" and etat.aide and cible in INTENTIONS_SUR_AIDE:
            return self._sur_aide(etat, cible, etat.aide, confiance=1.0)
        if valeur in ("menu:conseiller", "conseiller:oui"):
            return self._conseiller(etat, motif="demande")
        if valeur == "conseiller:rappel":
            return self._conseiller(etat, motif="rappel")
        if valeur == "conseiller:non":
            return Decision(Reponse((Bloc("conseiller_refuse"),), intention="menu"), etat)
        if valeur == "menu:aide":
            return self._demander_aide(etat, "info_aide", candidates=())
        if valeur == "menu:dossier":
            self.texte = ""
            return self._statut_dossier(etat)
        if valeur == "menu:orientation":
            return self._repondre(etat, Comprehension("orientation", None, 1.0))
        return self._menu(etat, Bloc("incompris"), intention=None, confiance=0.0)

    # --- understood messages ----------------------------------------------------------

    def _repondre(self, etat: EtatDialogue, compris: Comprehension) -> Decision:
        intention = compris.intention
        if intention == "urgence":
            return self._urgence(etat, compris)
        if intention == "stop":
            reponse = Reponse(
                (Bloc("stop"),), actions=(Action(DESABONNER),), intention="stop", confiance=1.0
            )
            return Decision(reponse, EtatDialogue())
        if intention == "conseiller":
            return self._conseiller(etat, motif="demande", confiance=compris.confiance)
        if intention in ("salutation", "menu"):
            blocs = (Bloc("salutation"),) if intention == "salutation" else ()
            return self._menu(etat, *blocs, intention=intention, confiance=compris.confiance)
        if intention in INTENTIONS_SUR_AIDE and compris.confiance >= SEUIL_COMPRIS:
            return self._intention_sur_aide(etat, compris)
        if intention == "statut_dossier":
            return self._statut_dossier(etat)
        if intention in ("orientation", "remerciement"):
            reponse = Reponse(
                (Bloc(intention, compris.aide),),
                intention=intention,
                aide=compris.aide,
                confiance=compris.confiance,
            )
            aide = compris.aide or etat.aide
            nouvel_etat = etat.evoluer(choix=(), incompris=0, intention=intention, aide=aide)
            return Decision(reponse, nouvel_etat)
        return self._incompris(etat, compris)

    def _intention_sur_aide(self, etat: EtatDialogue, compris: Comprehension) -> Decision:
        candidates = tuple(a for a in compris.aides_candidates if a in self.catalogue.aides)
        if len(candidates) >= 2:
            return self._demander_aide(etat, compris.intention, candidates)
        aide = compris.aide or etat.aide
        if aide is None and compris.intention == "contact":
            reponse = Reponse(
                (Bloc("contact_general"),), intention="contact", confiance=compris.confiance
            )
            return Decision(reponse, etat.evoluer(choix=(), incompris=0, intention="contact"))
        if aide is None or aide not in self.catalogue.aides:
            return self._demander_aide(etat, compris.intention, candidates=())
        return self._sur_aide(etat, compris.intention, aide, compris.confiance)

    def _sur_aide(
        self, etat: EtatDialogue, intention: str, aide: str, confiance: float
    ) -> Decision:
        suites = self.catalogue.phrases.get("suites", {})
        choix = tuple(
            Choix(f"intention:{autre}", libelle)
            for autre, libelle in suites.items()
            if autre != intention
        )
        reponse = Reponse(
            (Bloc(intention, aide),), choix, intention=intention, aide=aide, confiance=confiance
        )
        nouvel_etat = EtatDialogue(aide=aide, intention=intention, choix=choix)
        return Decision(reponse, nouvel_etat)

    def _demander_aide(
        self, etat: EtatDialogue, intention: str, candidates: tuple[str, ...]
    ) -> Decision:
        proposees = candidates or tuple(
            a
            for a in self.catalogue.phrases.get("aides_frequentes", ())
            if a in self.catalogue.aides
        )
        choix = tuple(Choix(f"aide:{a}", self.catalogue.aides[a].nom_court) for a in proposees)
        nature = "quelle_aide_parmi" if candidates else "quelle_aide"
        reponse = Reponse((Bloc(nature),), choix, intention=intention, confiance=0.5)
        nouvel_etat = etat.evoluer(choix=choix, intention_en_attente=intention, incompris=0)
        return Decision(reponse, nouvel_etat)

    def _menu(
        self, etat: EtatDialogue, *avant: Bloc, intention: str | None, confiance: float
    ) -> Decision:
        libelles = self.catalogue.phrases.get("menu_choix", {})
        choix = tuple(Choix(f"menu:{cle}", libelle) for cle, libelle in libelles.items())
        blocs = (*avant, Bloc("menu"))
        reponse = Reponse(blocs, choix, intention=intention, confiance=confiance)
        nouvel_etat = etat.evoluer(choix=choix, intention_en_attente=None, intention=intention)
        return Decision(reponse, nouvel_etat)

    def _conseiller(self, etat: EtatDialogue, motif: str, confiance: float = 1.0) -> Decision:
        reponse = Reponse(
            (Bloc("conseiller"),),
            actions=(Action(TRANSMETTRE, motif=motif),),
            intention="conseiller",
            aide=etat.aide,
            confiance=confiance,
        )
        return Decision(reponse, etat.evoluer(choix=(), incompris=0, intention="conseiller"))

    def _urgence(self, etat: EtatDialogue, compris: Comprehension) -> Decision:
        urgences = self.catalogue.urgences
        situation = next(
            (s for s in urgences.situations if s.id == compris.situation_urgence), None
        )
        numeros = situation.numeros if situation else urgences.defaut
        bloc = Bloc(
            "urgence",
            donnees={
                "situation": situation,
                "numeros": [urgences.numeros[n] for n in numeros],
            },
        )
        reponse = Reponse(
            (bloc,),
            actions=(Action(TRANSMETTRE, motif="urgence", priorite=PRIORITE_URGENCE),),
            intention="urgence",
            confiance=compris.confiance,
        )
        return Decision(reponse, etat.evoluer(choix=(), incompris=0, intention="urgence"))

    def _incompris(self, etat: EtatDialogue, compris: Comprehension) -> Decision:
        incompris = etat.incompris + 1
        if incompris >= INCOMPRIS_AVANT_CONSEILLER:
            phrases = self.catalogue.phrases
            choix = (
                Choix("conseiller:oui", phrases["choix_oui"]),
                Choix("conseiller:non", phrases["choix_non"]),
            )
            reponse = Reponse(
                (Bloc("incompris_conseiller"),),
                choix,
                intention=compris.intention,
                confiance=compris.confiance,
            )
            return Decision(reponse, etat.evoluer(choix=choix, incompris=0))
        nature = (
            "hors_sujet"
            if compris.intention == "hors_sujet" and compris.confiance >= SEUIL_COMPRIS
            else "incompris"
        )
        reponse = Reponse((Bloc(nature),), intention=compris.intention, confiance=compris.confiance)
        return Decision(reponse, etat.evoluer(choix=(), incompris=incompris))
