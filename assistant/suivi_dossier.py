"""The status of an application, told only to a verified person (CONTRAT §6).

Verified means: the sender's verified phone is the one on the file, or the person gave
the file number and the date of birth on it. Three failed checks lock the check for the
conversation and for that file number for 30 minutes. An unverified person gets the same
words whether the number exists or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.entites import EntitesTrouvees, extraire_entites
from assistant.etat import EtatDialogue
from assistant.faits import DossierVu, Faits
from assistant.reponse import TRANSMETTRE, Action, Bloc, Choix, Reponse

ECHECS_AVANT_VERROU = 3
DUREE_VERROU = dt.timedelta(minutes=30)

# Actions for the service.
DIVULGUER = "divulguer"  # write the disclosure to the audit log
ECHEC_CONTROLE = "echec_controle"  # record a failed check of this number
ALERTE = "alerte"  # the person's answer to "an SMS when it changes?"

# Conversation slots (EtatDialogue.attente).
ATTENTE_NUMERO = "numero_dossier"
ATTENTE_DATE = "date_naissance"


@dataclass(frozen=True)
class Issue:
    reponse: Reponse
    etat: EtatDialogue


def _verrou_jusqua(echecs: list[dt.datetime], maintenant: dt.datetime) -> dt.datetime | None:
    recents = sorted(e for e in echecs if maintenant - e < DUREE_VERROU)
    if len(recents) < ECHECS_AVANT_VERROU:
        return None
    return recents[-ECHECS_AVANT_VERROU] + DUREE_VERROU


def _echecs_conversation(etat: EtatDialogue) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(e) for e in etat.donnees.get("echecs", [])]


def verrou(etat: EtatDialogue, faits: Faits, maintenant: dt.datetime) -> dt.datetime | None:
    """Until when checking is locked for this conversation or the cited number, if it is."""
    bornes = [
        b
        for b in (
            _verrou_jusqua(_echecs_conversation(etat), maintenant),
            _verrou_jusqua(list(faits.echecs_du_numero), maintenant),
        )
        if b is not None
    ]
    return max(bornes) if bornes else None


def _reponse(*blocs: Bloc, choix: tuple[Choix, ...] = (), actions: tuple[Action, ...] = ()):
    return Reponse(blocs, choix, actions, intention="statut_dossier", confiance=1.0)


def _sans_attente(etat: EtatDialogue) -> EtatDialogue:
    donnees = {k: v for k, v in etat.donnees.items() if k == "echecs"}
    return etat.evoluer(attente=None, donnees=donnees, choix=(), incompris=0)


def reveler(
    etat: EtatDialogue, dossier: DossierVu, methode: str, libelles_alerte: tuple[str, str]
) -> Issue:
    """The status, to a verified person; then, once, whether they want an SMS on change."""
    actions = (Action(DIVULGUER, motif=methode, cible=dossier.numero),)
    choix: tuple[Choix, ...] = ()
    blocs = [Bloc("statut", dossier.aide, {"dossier": dossier})]
    if dossier.alerte_sms is None and dossier.a_un_telephone:
        choix = (
            Choix(f"alerte:oui:{dossier.numero}", libelles_alerte[0]),
            Choix(f"alerte:non:{dossier.numero}", libelles_alerte[1]),
        )
        blocs.append(Bloc("alerte_question"))
    nouvel_etat = _sans_attente(etat).evoluer(
        aide=dossier.aide, intention="statut_dossier", choix=choix
    )
    return Issue(_reponse(*blocs, choix=choix, actions=actions), nouvel_etat)


def commencer(
    etat: EtatDialogue,
    texte: str,
    faits: Faits,
    maintenant: dt.datetime,
    libelles_alerte: tuple[str, str],
    libelle_aide: dict[str, str],
) -> Issue:
    """The person asks where their application stands."""
    entites = extraire_entites(texte, maintenant.year)
    dossiers = faits.dossiers_du_telephone
    if entites.numero_dossier:
        connu = next((d for d in dossiers if d.numero == entites.numero_dossier), None)
        if connu is not None:
            return reveler(etat, connu, "telephone", libelles_alerte)
        return _numero_recu(etat, entites, faits, maintenant, libelles_alerte)
    if len(dossiers) == 1:
        return reveler(etat, dossiers[0], "telephone", libelles_alerte)
    if len(dossiers) > 1:
        choix = tuple(
            Choix(f"dossier:{d.numero}", libelle_aide.get(d.aide, d.aide)) for d in dossiers
        )
        nouvel_etat = etat.evoluer(choix=choix, attente=None, intention="statut_dossier")
        return Issue(_reponse(Bloc("quel_dossier"), choix=choix), nouvel_etat)
    return _demander(etat, ATTENTE_NUMERO, "demande_numero", faits, maintenant)


def _numero_recu(
    etat: EtatDialogue,
    entites: EntitesTrouvees,
    faits: Faits,
    maintenant: dt.datetime,
    libelles_alerte: tuple[str, str],
) -> Issue:
    """A file number is given: check it with the date of birth, given too or asked next."""
    etat = etat.evoluer(donnees={**etat.donnees, "numero": entites.numero_dossier})
    if entites.date_naissance:
        return controler(etat, entites.date_naissance, faits, maintenant, libelles_alerte)
    return _demander(etat, ATTENTE_DATE, "demande_date", faits, maintenant)


def _demander(
    etat: EtatDialogue, attente: str, nature: str, faits: Faits, maintenant: dt.datetime
) -> Issue:
    jusqua = verrou(etat, faits, maintenant)
    if jusqua is not None:
        return _verrouille(etat)
    nouvel_etat = etat.evoluer(attente=attente, choix=(), intention="statut_dossier")
    return Issue(_reponse(Bloc(nature)), nouvel_etat)


def _verrouille(etat: EtatDialogue) -> Issue:
    # A locked check is a reason to hand the person to an agent (issue: escalation).
    action = Action(TRANSMETTRE, motif="verrou")
    return Issue(_reponse(Bloc("controle_verrouille"), actions=(action,)), _sans_attente(etat))


def suite_attendue(
    etat: EtatDialogue,
    texte: str,
    faits: Faits,
    maintenant: dt.datetime,
    libelles_alerte: tuple[str, str],
) -> Issue | None:
    """The answer to "your file number?" or "your date of birth?", or None if it is not one."""
    entites = extraire_entites(texte, maintenant.year)
    if etat.attente == ATTENTE_NUMERO and entites.numero_dossier:
        return _numero_recu(etat, entites, faits, maintenant, libelles_alerte)
    if etat.attente == ATTENTE_DATE and entites.date_naissance:
        return controler(etat, entites.date_naissance, faits, maintenant, libelles_alerte)
    return None


def controler(
    etat: EtatDialogue,
    date_naissance: dt.date,
    faits: Faits,
    maintenant: dt.datetime,
    libelles_alerte: tuple[str, str],
) -> Issue:
    if verrou(etat, faits, maintenant) is not None:
        return _verrouille(etat)
    numero = str(etat.donnees.get("numero", ""))
    dossier = faits.dossier_cite
    if (
        dossier is not None
        and dossier.numero == numero
        and dossier.date_naissance == date_naissance
    ):
        return reveler(etat, dossier, "numero_et_date", libelles_alerte)
    echecs = [*etat.donnees.get("echecs", []), maintenant.isoformat()]
    etat = etat.evoluer(donnees={**etat.donnees, "echecs": echecs})
    action = Action(ECHEC_CONTROLE, cible=numero)
    faits_apres = Faits(echecs_du_numero=(*faits.echecs_du_numero, maintenant))
    if verrou(etat, faits_apres, maintenant) is not None:
        issue = _verrouille(etat)
        reponse = issue.reponse
        return Issue(
            Reponse(reponse.blocs, actions=(action, *reponse.actions), intention="statut_dossier"),
            issue.etat,
        )
    # Same words whether the number exists or not: nothing to learn by trying.
    nouvel_etat = etat.evoluer(attente=ATTENTE_NUMERO, choix=(), intention="statut_dossier")
    return Issue(_reponse(Bloc("controle_echoue"), actions=(action,)), nouvel_etat)
