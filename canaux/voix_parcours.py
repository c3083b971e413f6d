"""The phone menu: what a key or a sentence does on the screen the caller is on.

Answers come from the dialogue service (so the engine's rules, audit and lockout hold as
on every channel), words from `contenus/phrases_voix.yaml`. `Parcours.suivre` turns the
menu state and what the caller did into the next state and a `Document` to say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.rendu import moment
from assistant.reponse import Reponse
from assistant.service import Entrant, ServiceDialogue, Tour
from canaux.voix_document import (
    DATE,
    NUMERO,
    TOUCHE,
    TRANSFERER,
    Appelant,
    Document,
    Entree,
    EtatAppel,
)
from canaux.voix_ecrans import Ecrans, ecoute, ecran, empiler, phrases

CANAL = "voix"
# Below this speech-recognition confidence, what was heard is confirmed before acting.
SEUIL_CONFIANCE = 0.5
# Reprompts before a person is offered; one more failure ends the call.
RELANCES = 2
# What is sent to the engine for "a person": its own command word.
MOT_CONSEILLER = "conseiller"
# Keys typed on the file-number screen are announced as one: 8 digits that happen to form
# a date (12031985) would otherwise be read as a date of birth.
PREFIXE_NUMERO = "dossier "
# The engine did not understand: the menu reprompts in its own, simpler words.
_NATURES_ECHEC = frozenset({"incompris", "incompris_conseiller", "vide"})
_ISSUES_ABOUTIES = frozenset({"completed", "answered", "bridged", "hangup"})

# Puts an SMS copy in the outbox: (phone, texts, conversation id) -> False after STOP.
DeposerSms = Callable[[str, Sequence[str], int | None], bool]


def simplifier(texte: str) -> str:
    """Lower case, no accents, no punctuation: "C'est ça !" -> "c est ca"."""
    sans_accents = unicodedata.normalize("NFKD", texte.lower())
    lettres = (c if c.isalnum() else " " for c in sans_accents if not unicodedata.combining(c))
    return " ".join("".join(lettres).split())


@dataclass(frozen=True)
class Etape:
    document: Document
    etat: EtatAppel
    # The turn of this step, if there was one (None for a move within the menu).
    tour: Tour | None = None

    @property
    def rejoue(self) -> bool:
        """The service had answered this step already: another request is storing it."""
        return self.tour is not None and self.tour.rejoue


class Parcours:
    def __init__(self, service: ServiceDialogue, deposer_sms: DeposerSms | None = None) -> None:
        self.service = service
        self.ecrans = Ecrans(service)
        self.p = self.ecrans.p
        self.deposer_sms = deposer_sms

    @property
    def indices(self) -> str:
        return self.ecrans.indices

    # --- entry points -----------------------------------------------------------------

    def decrocher(self, reprise: str | None = None) -> Etape:
        """The greeting and the main menu; `reprise` is the aid carried over, if any."""
        etat = EtatAppel(reprise=reprise if reprise in self.p["noms"] else None)
        etat.pile = [self.ecrans.menu(etat.reprise)]
        avant = [self.p["accueil"]]
        if etat.reprise:
            avant.append(self.p["reprise"].format(de=self.p["noms"][etat.reprise]["de"]))
        return Etape(self.ecrans.montrer(etat.ecran, avant), etat)

    def suivre(
        self, etat: EtatAppel, entree: Entree, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        """The next step of a call, from what the caller did on the current screen."""
        if not etat.pile:
            etat.pile = [self.ecrans.menu(etat.reprise)]
        if entree.issue_transfert is not None or etat.ecran["genre"] == "transfert":
            return self._apres_transfert(etat, entree, appelant)
        if entree.silence:
            return self._echec(etat, self.p["pas_entendu"])
        if etat.echecs > RELANCES and entree.touches == "0":
            return self._conseiller(etat, "", appelant, id_tour)
        if etat.ecran["genre"] in (NUMERO, DATE) and not entree.parole:
            return self._saisie(etat, entree.touches, appelant, id_tour)
        if entree.touches:
            return self._touche(etat, entree.touches, appelant, id_tour)
        if entree.parole.strip():
            return self._parole(etat, entree, appelant, id_tour)
        return self._echec(etat, self.p["pas_compris"])

    def excuses(self) -> Document:
        """When a step fails: an apology, then a person if the agents are there."""
        maintenant = self.service.horloge()
        horaires = self.service.horaires
        if horaires.est_ouvert(maintenant):
            return Document(phrases([self.p["erreur"], self.p["transfert"]]), fin=TRANSFERER)
        quand = moment(horaires.prochaine_ouverture(maintenant))
        dites = [self.p["erreur"], self.p["ferme"].format(moment=quand), self.p["erreur_rappelez"]]
        return Document(phrases(dites))

    # --- keys -------------------------------------------------------------------------

    def _touche(
        self, etat: EtatAppel, touche: str, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        if touche == "*":
            return self._montrer(etat)
        if touche == "#":
            return self._retour(etat)
        action = etat.ecran["touches"].get(touche) or {"9": "menu", "0": "conseiller"}.get(touche)
        if action is None:
            return self._echec(etat, self.p["pas_compris"])
        return self._agir(etat, action, touche, appelant, id_tour)

    def _saisie(
        self, etat: EtatAppel, touches: str, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        """Digits typed on the file-number or date screen (ended by #)."""
        chiffres = touches.strip().rstrip("#")
        if chiffres == "*":
            return self._montrer(etat)
        chiffres = "".join(c for c in chiffres if c.isdigit())
        if not chiffres:
            # Only # pressed: back to where the caller was.
            return self._retour(etat)
        texte = PREFIXE_NUMERO + chiffres if etat.ecran["genre"] == NUMERO else chiffres
        return self._tour(etat, texte, None, appelant, id_tour)

    def _agir(
        self, etat: EtatAppel, action: str, touche: str, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        etat.echecs = 0
        if action == "menu":
            etat.pile = [self.ecrans.menu(etat.reprise)]
            return self._montrer(etat)
        if action == "conseiller":
            return self._conseiller(etat, "", appelant, id_tour)
        if action == "rappel":
            return self._rappel(etat, appelant, id_tour)
        if action == "sms":
            return self._copie_sms(etat, appelant)
        if action == "oui":
            texte = etat.pile.pop()["texte"]
            return self._parole_sure(etat, texte, appelant, id_tour)
        if action == "non":
            etat.pile.pop()
            return Etape(self.ecrans.relance(etat.ecran, self.p["redites"]), etat)
        genre, _, valeur = action.partition(":")
        if genre == "choix" and valeur in ("menu:conseiller", "conseiller:oui"):
            return self._conseiller(etat, "", appelant, id_tour)
        choix = {"aides": "menu:aide", "dossier": "menu:dossier"}.get(action, valeur)
        return self._tour(etat, touche, choix, appelant, id_tour)

    # --- speech -----------------------------------------------------------------------

    def _parole(
        self, etat: EtatAppel, entree: Entree, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        texte = " ".join(entree.parole.split())
        mot = simplifier(texte)
        if len(mot) == 1 and mot.isdigit():
            # "Deux" heard as "2" is the key 2 of this screen, not the engine's choice 2.
            return self._touche(etat, mot, appelant, id_tour)
        if etat.ecran["genre"] == "confirmer":
            if mot in self.p["mots_oui"]:
                return self._agir(etat, "oui", "1", appelant, id_tour)
            if mot in self.p["mots_non"]:
                return self._agir(etat, "non", "2", appelant, id_tour)
            # Neither yes nor no: a new request, heard on the screen below.
            etat.pile.pop()
        if entree.confiance is not None and entree.confiance < SEUIL_CONFIANCE:
            empiler(etat, self.ecrans.confirmer(texte))
            return self._montrer(etat)
        return self._parole_sure(etat, texte, appelant, id_tour)

    def _parole_sure(
        self, etat: EtatAppel, texte: str, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        mot = simplifier(texte)
        if mot in self.p["mots_repeter"]:
            return self._montrer(etat)
        if mot in self.p["mots_retour"]:
            return self._retour(etat)
        compris = self.service.moteur.comprehenseur.comprendre(texte)
        if compris.intention == "conseiller":
            return self._conseiller(etat, texte, appelant, id_tour)
        if compris.intention == "stop":
            # On the phone, "stop" ends the call; it does not unsubscribe from SMS.
            return Etape(Document(phrases([self.p["au_revoir"]])), etat)
        if etat.ecran["genre"] == NUMERO and mot.replace(" ", "").isdigit():
            texte = PREFIXE_NUMERO + mot.replace(" ", "")
        return self._tour(etat, texte, None, appelant, id_tour)

    # --- turns of the dialogue service ------------------------------------------------

    def _tour(
        self,
        etat: EtatAppel,
        texte: str,
        choix: str | None,
        appelant: Appelant,
        id_tour: str | None,
    ) -> Etape:
        tour = self.service.traiter(Entrant(CANAL, appelant.adresse, texte, id_tour, choix))
        etat.conversation_id = tour.conversation_id
        if tour.reponse is None:
            # A replay whose document was lost: say again what was answered.
            dit = [s.texte for s in tour.sorties]
            empiler(etat, self.ecrans.info(dit, [self.p["navigation"]]))
            return replace(self._montrer(etat), tour=tour)
        return replace(self._apres_reponse(etat, tour.reponse, appelant), tour=tour)

    def _apres_reponse(self, etat: EtatAppel, reponse: Reponse, appelant: Appelant) -> Etape:
        natures = reponse.natures
        if natures and natures[0] in _NATURES_ECHEC:
            return self._echec(etat, self.p["pas_compris"])
        etat.echecs = 0
        if not natures:
            # A person handles this conversation: the bot says nothing more about it.
            empiler(etat, self.ecrans.info([self.p["avec_conseiller"]], [self.p["info_invite"]]))
        elif "menu" in natures or "salutation" in natures:
            etat.pile = [self.ecrans.menu(etat.reprise)]
        else:
            empiler(etat, self.ecrans.de_reponse(reponse, appelant))
        return self._montrer(etat)

    # --- a person ---------------------------------------------------------------------

    def _conseiller(
        self, etat: EtatAppel, texte: str, appelant: Appelant, id_tour: str | None
    ) -> Etape:
        """During opening hours, a transfer; outside them, the hours and a callback."""
        etat.echecs = 0
        maintenant = self.service.horloge()
        horaires = self.service.horaires
        if horaires.est_ouvert(maintenant):
            entrant = Entrant(
                CANAL, appelant.adresse, texte or MOT_CONSEILLER, id_tour, "menu:conseiller"
            )
            tour = self.service.traiter(entrant)
            etat.conversation_id = tour.conversation_id
            etat.pile.append(ecran("transfert"))
            document = Document(phrases([self.p["transfert"]]), fin=TRANSFERER)
            return Etape(document, etat, tour)
        ferme = self.p["ferme"].format(moment=moment(horaires.prochaine_ouverture(maintenant)))
        if appelant.telephone is None:
            empiler(etat, self.ecrans.info([ferme, self.p["sans_rappel"]], [self.p["navigation"]]))
        else:
            offre = [self.p["rappel_offre"]]
            rappel = ecran("rappel", [ferme], offre, offre, {"1": "rappel"})
            rappel["texte"] = texte
            empiler(etat, rappel)
        return self._montrer(etat)

    def _rappel(self, etat: EtatAppel, appelant: Appelant, id_tour: str | None) -> Etape:
        """The caller asks to be called back: the conversation joins the agents' queue."""
        texte = etat.ecran.get("texte") or MOT_CONSEILLER
        entrant = Entrant(CANAL, appelant.adresse, texte, id_tour, "conseiller:rappel")
        tour = self.service.traiter(entrant)
        etat.conversation_id = tour.conversation_id
        quand = moment(self.service.horaires.prochaine_ouverture(self.service.horloge()))
        document = Document(phrases([self.p["rappel_note"].format(moment=quand)]))
        return Etape(document, etat, tour)

    def _apres_transfert(self, etat: EtatAppel, entree: Entree, appelant: Appelant) -> Etape:
        if (entree.issue_transfert or "").lower() in _ISSUES_ABOUTIES:
            return Etape(Document(phrases([self.p["au_revoir"]])), etat)
        dites = [self.p["transfert_echec"]]
        if appelant.telephone is not None:
            dites.append(self.p["rappel_promis"])
        dites.append(self.p["au_revoir"])
        return Etape(Document(phrases(dites)), etat)

    # --- the SMS copy -----------------------------------------------------------------

    def _copie_sms(self, etat: EtatAppel, appelant: Appelant) -> Etape:
        affiche = etat.ecran
        textes = affiche.get("sms") or []
        if not textes or appelant.telephone is None:
            return self._echec(etat, self.p["pas_compris"])
        envoye = (
            self.deposer_sms(appelant.telephone, textes, etat.conversation_id)
            if self.deposer_sms is not None
            else True
        )
        affiche["sms"] = []
        affiche["touches"].pop("1", None)
        dit = self.p["sms_envoye"] if envoye else self.p["sms_stop"]
        return Etape(Document(phrases([dit], affiche["invite"]), ecoute(affiche)), etat)

    # --- moving in the menu -----------------------------------------------------------

    def _montrer(self, etat: EtatAppel) -> Etape:
        """The current screen in full (also what * does)."""
        etat.echecs = 0
        return Etape(self.ecrans.montrer(etat.ecran), etat)

    def _retour(self, etat: EtatAppel) -> Etape:
        if len(etat.pile) > 1:
            etat.pile.pop()
        return self._montrer(etat)

    def _echec(self, etat: EtatAppel, intro: str) -> Etape:
        """No input, or none that fits: reprompt simpler, then offer a person, then end."""
        etat.echecs += 1
        if etat.echecs <= RELANCES:
            return Etape(self.ecrans.relance(etat.ecran, intro), etat)
        if etat.echecs == RELANCES + 1:
            document = Document(
                phrases([intro, self.p["offre_conseiller"]]),
                ecoute=TOUCHE,
                sans_reponse=phrases([self.p["au_revoir"]]),
            )
            return Etape(document, etat)
        return Etape(Document(phrases([self.p["au_revoir"]])), etat)
