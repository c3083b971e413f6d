"""One person across channels: a call picks up where the same phone's messages left off.

The service keys people by (channel, address); addresses that share a verified phone are
the same person. When a call starts, its conversation takes the aid talked about last on
another channel of that phone, if that was lately and after the last call: someone who
texted about the APL and calls is asked "et combien ?" about the APL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assistant.conversations import (
    conversation_ouverte,
    en_reprenant_les_conflits,
    personne_verrouillee,
)
from assistant.etat import EtatDialogue
from assistant.modeles import Conversation, Personne, en_utc
from assistant.transfert import BOT

# A conversation older than this is not carried over to a call.
RECENTE = dt.timedelta(days=7)


def debut_d_appel(etat: EtatDialogue) -> EtatDialogue:
    """A new call starts from the menu: what the last call was waiting for is dropped.

    The failed identity checks stay: hanging up must not reset the lock.
    """
    donnees = {k: v for k, v in etat.donnees.items() if k == "echecs"}
    return EtatDialogue(aide=etat.aide, intention=etat.intention, donnees=donnees)


def demarrer_appel(
    moteur_sql: Engine,
    canal: str,
    adresse: str,
    telephone: str | None,
    maintenant: dt.datetime,
) -> str | None:
    """Prepares the caller's conversation; returns the aid carried over from another channel.

    `telephone` is None when the caller's number is hidden: nothing is carried over then,
    and the person is created without a phone so that nothing is ever linked to it.
    """
    # A concurrent request may create the same person or conversation first.
    return en_reprenant_les_conflits(
        lambda: _demarrer(moteur_sql, canal, adresse, telephone, maintenant), (IntegrityError,)
    )


def _demarrer(
    moteur_sql: Engine,
    canal: str,
    adresse: str,
    telephone: str | None,
    maintenant: dt.datetime,
) -> str | None:
    with Session(moteur_sql) as session:
        personne = personne_verrouillee(session, canal, adresse)
        if personne.telephone is None and telephone:
            personne.telephone = telephone
        conversation = conversation_ouverte(session, personne)
        derniere_activite: dt.datetime | None = None
        if conversation is None:
            conversation = Conversation(personne_id=personne.id or 0, transfert=BOT)
        elif conversation.version > 0:
            derniere_activite = en_utc(conversation.maj_le)
        if conversation.transfert != BOT:
            # A person handles this conversation: its state is theirs, not the bot's.
            session.commit()
            return None
        etat = debut_d_appel(EtatDialogue.depuis_json(conversation.etat))
        autre = _etat_recent_ailleurs(session, personne, telephone, maintenant)
        aide = None
        if autre is not None:
            quand, etat_autre = autre
            if etat_autre.aide and (derniere_activite is None or quand > derniere_activite):
                aide = etat_autre.aide
                etat = etat.evoluer(aide=aide, intention=etat_autre.intention)
        conversation.etat = etat.vers_json()
        session.add(conversation)
        session.commit()
        return aide


def _etat_recent_ailleurs(
    session: Session, personne: Personne, telephone: str | None, maintenant: dt.datetime
) -> tuple[dt.datetime, EtatDialogue] | None:
    """The latest conversation of the same phone on another channel, if it is recent."""
    if not telephone:
        return None
    trouve = session.exec(
        select(Conversation)
        .join(Personne, col(Personne.id) == col(Conversation.personne_id))
        .where(
            Personne.telephone == telephone,
            Personne.id != personne.id,
            Conversation.maj_le >= maintenant - RECENTE,
        )
        .order_by(col(Conversation.maj_le).desc())
    ).first()
    if trouve is None:
        return None
    return en_utc(trouve.maj_le), EtatDialogue.depuis_json(trouve.etat)
