"""Finding a person and their open conversation, locked for the rest of the transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from assistant.modeles import Conversation, Personne
from assistant.transfert import CLOS

# Channels whose address is a phone number: it is the person's phone.
CANAUX_TELEPHONE = ("sms", "whatsapp", "voix")


def personne_verrouillee(session: Session, canal: str, adresse: str) -> Personne:
    """The person behind this address, created if new, and locked.

    Locking the person serialises the turns of one person across processes, even before
    a conversation exists to lock.
    """
    personne = session.exec(
        select(Personne)
        .where(Personne.canal == canal, Personne.adresse == adresse)
        .with_for_update()
    ).first()
    if personne is None:
        # A hidden caller's address is not a phone number (it does not start with "+").
        telephone = adresse if canal in CANAUX_TELEPHONE and adresse.startswith("+") else None
        personne = Personne(canal=canal, adresse=adresse, telephone=telephone)
        session.add(personne)
        session.flush()
    return personne


def conversation_ouverte(session: Session, personne: Personne) -> Conversation | None:
    """The person's latest conversation that is not closed, locked; None if there is none."""
    return session.exec(
        select(Conversation)
        .where(Conversation.personne_id == personne.id, Conversation.transfert != CLOS)
        .order_by(col(Conversation.id).desc())
        .with_for_update()
    ).first()


def conversation_en_cours(session: Session, personne: Personne) -> Conversation:
    """The open conversation, or a new one with the bot."""
    conversation = conversation_ouverte(session, personne)
    if conversation is None:
        conversation = Conversation(personne_id=personne.id or 0)
        session.add(conversation)
        session.flush()
    return conversation
