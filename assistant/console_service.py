"""What an agent does to a conversation: take, reply, note, transfer, give back, close.

Every status change goes through `transfert.transition` and then a conditional UPDATE
(`WHERE transfert = <the state read>`) checked by its row count: of two agents acting at
once, exactly one changes the row, the other gets `ConversationChangee`. Every action is
written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from assistant.boite_envoi import deposer
from assistant.conseillers import Conseiller
from assistant.console_modeles import (
    Attribution,
    MessageConseiller,
    NoteInterne,
    TacheRappel,
    journaliser,
)
from assistant.erreurs import RelaisErreur
from assistant.etat import EtatDialogue
from assistant.modeles import Conversation, Personne
from assistant.transfert import (
    CLORE,
    CONSEILLER,
    PRENDRE,
    RENDRE,
    TRANSFERER,
    transition,
)

# How a closed conversation ended.
ISSUES = ("resolu", "oriente", "rappel_prevu", "sans_reponse", "hors_sujet", "autre")
CANAUX_ECRITS = ("sms", "whatsapp", "telegram")
CANAL_VOIX = "voix"
LONGUEUR_MAX_REPONSE = 1000
LONGUEUR_MAX_NOTE = 2000


class ActionImpossible(RelaisErreur):
    """The action cannot be done on this conversation now; the message says why."""


class ConversationChangee(ActionImpossible):
    """Someone else changed the conversation first (e.g. another agent took it)."""


def _charger(session: Session, conversation_id: int) -> tuple[Conversation, Personne]:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise ActionImpossible("Cette conversation n'existe pas.")
    personne = session.get(Personne, conversation.personne_id)
    if personne is None:
        raise ActionImpossible("La personne de cette conversation n'existe plus.")
    return conversation, personne


def _titulaire(session: Session, conversation_id: int) -> Conseiller | None:
    attribution = session.get(Attribution, conversation_id)
    return session.get(Conseiller, attribution.conseiller_id) if attribution else None


def _verifier_la_main(session: Session, conversation: Conversation, agent: Conseiller) -> None:
    """A taken conversation is acted on by the agent who holds it, or an admin."""
    if conversation.transfert != CONSEILLER:
        return
    titulaire = _titulaire(session, conversation.id or 0)
    if titulaire is not None and titulaire.id != agent.id and not agent.est_admin:
        raise ActionImpossible(f"Cette conversation est suivie par {titulaire.affichage}.")


def _changer(
    session: Session,
    conversation: Conversation,
    evenement: str,
    maintenant: dt.datetime,
    **valeurs: Any,
) -> str:
    avant = conversation.transfert
    apres = transition(avant, evenement)
    resultat = session.exec(
        update(Conversation)
        .where(col(Conversation.id) == conversation.id, col(Conversation.transfert) == avant)
        .values(
            transfert=apres, version=col(Conversation.version) + 1, maj_le=maintenant, **valeurs
        )
        .execution_options(synchronize_session=False)
    )
    if resultat.rowcount != 1:
        raise ConversationChangee(
            "Un autre conseiller a agi sur cette conversation au même moment. "
            "Rechargez la page pour voir son état."
        )
    return apres


def prendre(
    moteur_sql: Engine, conversation_id: int, agent: Conseiller, maintenant: dt.datetime
) -> None:
    with Session(moteur_sql) as session:
        conversation, _ = _charger(session, conversation_id)
        if conversation.transfert == CONSEILLER:
            titulaire = _titulaire(session, conversation_id)
            nom = titulaire.affichage if titulaire else "un autre conseiller"
            raise ConversationChangee(f"Cette conversation a déjà été prise par {nom}.")
        try:
            _changer(session, conversation, PRENDRE, maintenant)
        except ConversationChangee:
            raise ConversationChangee(
                "Un autre conseiller vient de prendre cette conversation."
            ) from None
        session.exec(delete(Attribution).where(col(Attribution.conversation_id) == conversation_id))
        session.add(
            Attribution(
                conversation_id=conversation_id, conseiller_id=agent.id or 0, depuis=maintenant
            )
        )
        journaliser(session, agent.id or 0, "prendre", maintenant, conversation_id)
        session.commit()


def repondre(
    moteur_sql: Engine,
    conversation_id: int,
    agent: Conseiller,
    texte: str,
    maintenant: dt.datetime,
) -> str:
    """Sends `texte` to the person on their own channel; returns "message" or "rappel".

    A person reachable only by voice cannot be written to: the reply becomes a callback
    task with the number to call, shown in the console.
    """
    texte = texte.strip()
    if not texte:
        raise ActionImpossible("La réponse est vide.")
    if len(texte) > LONGUEUR_MAX_REPONSE:
        raise ActionImpossible(f"La réponse dépasse {LONGUEUR_MAX_REPONSE} caractères.")
    with Session(moteur_sql) as session:
        conversation, personne = _charger(session, conversation_id)
        if conversation.transfert != CONSEILLER:
            raise ActionImpossible("Prenez d'abord la conversation pour répondre.")
        _verifier_la_main(session, conversation, agent)
        if personne.canal == CANAL_VOIX:
            session.add(
                TacheRappel(
                    conversation_id=conversation_id,
                    numero=personne.telephone or personne.adresse,
                    texte=texte,
                    cree_par=agent.id or 0,
                    cree_le=maintenant,
                )
            )
            journaliser(session, agent.id or 0, "rappel", maintenant, conversation_id)
            session.commit()
            return "rappel"
        _peut_ecrire(personne)
        envois = deposer(
            session,
            personne,
            texte,
            proactif=False,
            maintenant=maintenant,
            conversation_id=conversation_id,
        )
        for envoi in envois:
            if envoi.message_id is not None:
                session.add(
                    MessageConseiller(message_id=envoi.message_id, conseiller_id=agent.id or 0)
                )
        journaliser(
            session,
            agent.id or 0,
            "repondre",
            maintenant,
            conversation_id,
            f"{len(envois)} envoi(s)",
        )
        session.commit()
        return "message"


def _peut_ecrire(personne: Personne) -> None:
    if personne.canal not in CANAUX_ECRITS:
        raise ActionImpossible(f"Le canal « {personne.canal} » ne permet pas d'écrire.")
    if personne.desabonne:
        raise ActionImpossible("Cette personne a envoyé STOP : aucun message ne peut partir.")
    if personne.injoignable:
        raise ActionImpossible(
            "Cette personne a bloqué Relais : le message ne lui parviendrait pas."
        )


def _prevenir(
    session: Session,
    personne: Personne,
    avis: str | None,
    conversation_id: int,
    maintenant: dt.datetime,
) -> None:
    """A closing word to the person, when asked and when they can be written to."""
    if (
        not avis
        or personne.canal not in CANAUX_ECRITS
        or personne.desabonne
        or personne.injoignable
    ):
        return
    deposer(
        session,
        personne,
        avis,
        proactif=False,
        maintenant=maintenant,
        conversation_id=conversation_id,
    )


def noter(
    moteur_sql: Engine, conversation_id: int, agent: Conseiller, texte: str, maintenant: dt.datetime
) -> None:
    texte = texte.strip()
    if not texte:
        raise ActionImpossible("La note est vide.")
    if len(texte) > LONGUEUR_MAX_NOTE:
        raise ActionImpossible(f"La note dépasse {LONGUEUR_MAX_NOTE} caractères.")
    with Session(moteur_sql) as session:
        _charger(session, conversation_id)
        session.add(
            NoteInterne(
                conversation_id=conversation_id,
                conseiller_id=agent.id or 0,
                texte=texte,
                horodatage=maintenant,
            )
        )
        journaliser(session, agent.id or 0, "noter", maintenant, conversation_id)
        session.commit()


def transferer(
    moteur_sql: Engine,
    conversation_id: int,
    agent: Conseiller,
    vers_id: int,
    maintenant: dt.datetime,
) -> Conseiller:
    with Session(moteur_sql, expire_on_commit=False) as session:
        conversation, _ = _charger(session, conversation_id)
        _verifier_la_main(session, conversation, agent)
        destinataire = session.get(Conseiller, vers_id)
        if destinataire is None or not destinataire.actif:
            raise ActionImpossible("Ce conseiller n'existe pas ou n'est plus actif.")
        titulaire = _titulaire(session, conversation_id)
        if titulaire is not None and titulaire.id == destinataire.id:
            raise ActionImpossible(f"{destinataire.affichage} suit déjà cette conversation.")
        _changer(session, conversation, TRANSFERER, maintenant)
        session.exec(delete(Attribution).where(col(Attribution.conversation_id) == conversation_id))
        session.add(
            Attribution(conversation_id=conversation_id, conseiller_id=vers_id, depuis=maintenant)
        )
        journaliser(
            session,
            agent.id or 0,
            "transferer",
            maintenant,
            conversation_id,
            f"vers {destinataire.identifiant}",
        )
        session.commit()
        return destinataire


def rendre(
    moteur_sql: Engine,
    conversation_id: int,
    agent: Conseiller,
    maintenant: dt.datetime,
    avis: str | None = None,
) -> None:
    """The bot answers again, from a fresh dialogue state."""
    with Session(moteur_sql) as session:
        conversation, personne = _charger(session, conversation_id)
        _verifier_la_main(session, conversation, agent)
        _changer(
            session,
            conversation,
            RENDRE,
            maintenant,
            etat=EtatDialogue().vers_json(),
            motif_transfert=None,
            priorite=0,
            attente_depuis=None,
        )
        session.exec(delete(Attribution).where(col(Attribution.conversation_id) == conversation_id))
        _prevenir(session, personne, avis, conversation_id, maintenant)
        journaliser(session, agent.id or 0, "rendre", maintenant, conversation_id)
        session.commit()


def clore(
    moteur_sql: Engine,
    conversation_id: int,
    agent: Conseiller,
    issue: str,
    maintenant: dt.datetime,
    avis: str | None = None,
) -> None:
    """Ends the conversation with an outcome; the person's next message opens a new one."""
    if issue not in ISSUES:
        raise ActionImpossible("Choisissez comment la conversation se termine.")
    with Session(moteur_sql) as session:
        conversation, personne = _charger(session, conversation_id)
        _verifier_la_main(session, conversation, agent)
        _changer(session, conversation, CLORE, maintenant, attente_depuis=None)
        session.exec(delete(Attribution).where(col(Attribution.conversation_id) == conversation_id))
        _prevenir(session, personne, avis, conversation_id, maintenant)
        journaliser(session, agent.id or 0, "clore", maintenant, conversation_id, issue)
        session.commit()


def rappel_fait(
    moteur_sql: Engine, rappel_id: int, agent: Conseiller, maintenant: dt.datetime
) -> int:
    """Marks a callback as done; returns its conversation."""
    with Session(moteur_sql) as session:
        resultat = session.exec(
            update(TacheRappel)
            .where(col(TacheRappel.id) == rappel_id, col(TacheRappel.fait_le).is_(None))
            .values(fait_le=maintenant, fait_par=agent.id)
            .execution_options(synchronize_session=False)
        )
        rappel = session.get(TacheRappel, rappel_id)
        if rappel is None:
            raise ActionImpossible("Ce rappel n'existe pas.")
        if resultat.rowcount != 1:
            raise ConversationChangee("Ce rappel a déjà été fait.")
        journaliser(session, agent.id or 0, "rappel_fait", maintenant, rappel.conversation_id)
        session.commit()
        return rappel.conversation_id
