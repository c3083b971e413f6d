"""The screens of the phone menu: built from the engine's replies and the voice phrases.

A screen is a plain dict (it travels as JSON from one step to the next): its `genre`, what
was said on it (`dit`, pairs [text, slow]), its prompt (`invite`), the simpler prompt of a
reprompt (`relance`), what each key does (`touches`) and, after an answer, its SMS copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

from assistant.moteur import INTENTIONS_SUR_AIDE
from assistant.rendu import VOIX, oral
from assistant.reponse import TRANSMETTRE, Choix, Reponse
from assistant.service import ServiceDialogue
from canaux.voix_document import DATE, NUMERO, TOUCHE, Appelant, Document, EtatAppel, Phrase

Ecran = dict[str, Any]

# After an answer about an aid, what else to know about it, always on the same keys.
SUITES = {"2": "eligibilite", "3": "montant", "4": "demarche", "5": "pieces"}
# Replies worth an SMS copy.
NATURES_A_COPIER = frozenset({*INTENTIONS_SUR_AIDE, "statut", "urgence", "contact_general"})
_NATURES_NUMERO = frozenset({"demande_numero", "rappel_numero", "controle_echoue"})
_NATURES_DATE = frozenset({"demande_date", "rappel_date"})
# Screens that only wait for one answer: whatever comes next takes their place.
_PASSAGERS = frozenset({NUMERO, DATE, "confirmer"})
_TOUCHES_MAX = 8
_PILE_MAX = 6
_INDICES_MAX = 500


def phrases(*groupes: Sequence[Any]) -> tuple[Phrase, ...]:
    """Phrases from plain texts and stored [text, slow] pairs."""
    resultat = []
    for groupe in groupes:
        for element in groupe:
            if isinstance(element, str):
                resultat.append(Phrase(element))
            else:
                resultat.append(Phrase(element[0], bool(element[1])))
    return tuple(resultat)


def ecoute(ecran: Ecran) -> str:
    return {NUMERO: NUMERO, DATE: DATE}.get(ecran["genre"], TOUCHE)


def ecran(
    genre: str,
    dit: Sequence[Any] = (),
    invite: Sequence[str] = (),
    relance: Sequence[str] = (),
    touches: dict[str, str] | None = None,
) -> Ecran:
    return {
        "genre": genre,
        "dit": [[d, False] if isinstance(d, str) else list(d) for d in dit],
        "invite": list(invite),
        "relance": list(relance),
        "touches": touches or {},
    }


def empiler(etat: EtatAppel, nouveau: Ecran) -> None:
    """Puts a screen on the stack. An answer takes the place of an answer, so that # goes
    back to the menu the answers came from; anything takes the place of a passing screen."""
    while len(etat.pile) > 1 and (
        etat.ecran["genre"] in _PASSAGERS
        or (nouveau["genre"] == "reponse" and etat.ecran["genre"] == "reponse")
    ):
        etat.pile.pop()
    etat.pile.append(nouveau)
    del etat.pile[1 : max(1, len(etat.pile) - _PILE_MAX + 1)]


class Ecrans:
    def __init__(self, service: ServiceDialogue) -> None:
        self.service = service
        self.catalogue = service.moteur.catalogue
        self.p: dict[str, Any] = self.catalogue.phrases["voix"]

    @cached_property
    def indices(self) -> str:
        """The aid names the speech recogniser should expect (Gather `hints`)."""
        mots: dict[str, str] = {}
        for aide in self.catalogue.aides.values():
            for mot in (aide.nom_court, *aide.mots):
                # "ASPA (minimum vieillesse)" is heard as words; hints hold 100 characters.
                propre = " ".join(mot.replace("(", " ").replace(")", " ").split())[:100]
                mots.setdefault(propre.lower(), propre)
        return ", ".join(list(mots.values())[:_INDICES_MAX])

    def montrer(self, affiche: Ecran, avant: Sequence[str] = ()) -> Document:
        offre = [self.p["sms_offre"]] if affiche.get("sms") else []
        dites = phrases(avant, affiche["dit"], offre, affiche["invite"])
        return Document(dites, ecoute=ecoute(affiche))

    def relance(self, affiche: Ecran, intro: str) -> Document:
        return Document(phrases([intro], affiche["relance"] or affiche["invite"]), ecoute(affiche))

    def menu(self, reprise: str | None) -> Ecran:
        invite = [self.p["menu"]]
        touches = {"1": "aides", "2": "dossier"}
        if reprise:
            invite.append(self.p["menu_reprise"].format(le=self.p["noms"][reprise]["le"]))
            touches["3"] = f"choix:aide:{reprise}"
        return ecran("menu", [], invite, [self.p["menu_relance"]], touches)

    def info(self, dit: Sequence[str], invite: Sequence[str]) -> Ecran:
        return ecran("info", dit, invite, invite)

    def confirmer(self, texte: str) -> Ecran:
        resultat = ecran(
            "confirmer",
            invite=[self.p["confirmer"].format(texte=texte)],
            relance=[self.p["confirmer_relance"]],
            touches={"1": "oui", "2": "non"},
        )
        resultat["texte"] = texte
        return resultat

    def de_reponse(self, reponse: Reponse, appelant: Appelant) -> Ecran:
        premiere = reponse.natures[0]
        dit = self.dire(reponse)
        if premiere in _NATURES_NUMERO:
            return ecran(NUMERO, dit, relance=[self.p["numero_relance"]])
        if premiere in _NATURES_DATE:
            return ecran(DATE, dit, relance=[self.p["date_relance"]])
        sur_aide = (
            reponse.aide is not None
            and reponse.intention in INTENTIONS_SUR_AIDE
            and premiere == reponse.intention
        )
        if reponse.choix and not sur_aide:
            return self._choix(reponse, dit)
        touches: dict[str, str] = {}
        invite: list[str] = []
        sms: list[str] = []
        if appelant.mobile and premiere in NATURES_A_COPIER:
            touches["1"] = "sms"
            sms = [s.texte for s in self.service.rendre(replace(reponse, choix=()), "sms")]
        if sur_aide:
            for touche, intention in SUITES.items():
                if intention != reponse.intention:
                    touches[touche] = f"choix:intention:{intention}"
                    quoi = self.p["suites"][intention]
                    invite.append(self.p["touche"].format(quoi=quoi, touche=touche))
        transmis = reponse.action(TRANSMETTRE)
        if transmis is not None and transmis.motif != "urgence":
            invite.append(self.p["info_invite"])
        else:
            invite.append(self.p["navigation"])
        resultat = ecran("reponse", dit, invite, [self.p["reponse_relance"]], touches)
        resultat["sms"] = sms
        return resultat

    def _choix(self, reponse: Reponse, dit: list[list[Any]]) -> Ecran:
        options = reponse.choix[:_TOUCHES_MAX]
        invite = [self._libelle(c, str(rang)) for rang, c in enumerate(options, start=1)]
        touches = {str(rang): f"choix:{c.valeur}" for rang, c in enumerate(options, start=1)}
        relance = list(invite)
        if reponse.natures[0] in ("quelle_aide", "quelle_aide_parmi"):
            invite.append(self.p["aides_autre"])
            relance = [self.p["aides_relance"]]
        return ecran("choix", dit, invite, relance, touches)

    def _libelle(self, choix: Choix, touche: str) -> str:
        genre, _, cible = choix.valeur.partition(":")
        if genre == "aide" and cible in self.p["noms"]:
            return str(self.p["choix_aide"].format(le=self.p["noms"][cible]["le"], touche=touche))
        return str(self.p["choix_libelle"].format(libelle=oral(choix.libelle), touche=touche))

    def dire(self, reponse: Reponse) -> list[list[Any]]:
        """The reply's blocks as lines to say; an emergency's are said slowly."""
        lignes: list[list[Any]] = []
        for bloc in reponse.blocs:
            texte = self.service.rendeur.rendre_bloc(bloc, VOIX)
            lent = bloc.nature == "urgence"
            lignes.extend([ligne.strip(), lent] for ligne in texte.splitlines() if ligne.strip())
        return lignes
