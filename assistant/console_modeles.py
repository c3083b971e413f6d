"""The agents' tables: who holds a conversation, internal notes, callbacks, the audit log."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, col, select

from assistant.diffusion import signaler
from assistant.modeles import maintenant_utc


class Attribution(SQLModel, table=True):
    """The agent who holds a conversation now (a row only while it is `conseiller`)."""

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True)
    conseiller_id: int = Field(foreign_key="conseiller.id", index=True)
    depuis: dt.datetime = Field(default_factory=maintenant_utc)


class NoteInterne(SQLModel, table=True):
    """A note between agents about a conversation: never sent to the person."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    conseiller_id: int = Field(foreign_key="conseiller.id")
    texte: str
    horodatage: dt.datetime = Field(default_factory=maintenant_utc)


class TacheRappel(SQLModel, table=True):
    """A reply to a person reachable only by voice: an agent has to call them back."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    numero: str = Field(max_length=64)
    texte: str  # what to tell the person
    cree_par: int = Field(foreign_key="conseiller.id")
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)
    fait_par: int | None = Field(default=None, foreign_key="conseiller.id")
    fait_le: dt.datetime | None = Field(default=None, index=True)


class MessageConseiller(SQLModel, table=True):
    """Which agent wrote an outbound message (the bot wrote the others)."""

    message_id: int = Field(foreign_key="message.id", primary_key=True)
    conseiller_id: int = Field(foreign_key="conseiller.id")


class ActionConseiller(SQLModel, table=True):
    """The audit log: every agent action, who, when, on which conversation. No message text."""

    id: int | None = Field(default=None, primary_key=True)
    horodatage: dt.datetime = Field(default_factory=maintenant_utc, index=True)
    conseiller_id: int = Field(foreign_key="conseiller.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    action: str = Field(max_length=30)
    detail: str | None = Field(default=None, max_length=200)


def journaliser(
    session: Session,
    conseiller_id: int,
    action: str,
    maintenant: dt.datetime,
    conversation_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        ActionConseiller(
            horodatage=maintenant,
            conseiller_id=conseiller_id,
            conversation_id=conversation_id,
            action=action,
            detail=detail[:200] if detail else None,
        )
    )
    if conversation_id is not None:
        signaler(session.connection(), conversation_id)


def dernieres_actions(session: Session, limite: int = 200) -> list[ActionConseiller]:
    return list(
        session.exec(
            select(ActionConseiller).order_by(col(ActionConseiller.id).desc()).limit(limite)
        ).all()
    )
