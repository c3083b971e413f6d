"""The tables: people (one per channel address), conversations, messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Table, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from assistant.transfert import BOT


def maintenant_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def table_de(modele: Any) -> Table:
    """The SQLAlchemy table of a model, for Core statements (typed: SQLModel leaves it Any)."""
    table: Table = modele.__table__
    return table


def en_utc(instant: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


class Personne(SQLModel, table=True):
    """One channel address (a phone number on SMS, a Telegram chat...).

    `telephone` is the verified phone number in E.164: addresses that share it are the
    same person across channels.
    """

    __table_args__ = (UniqueConstraint("canal", "adresse"),)

    id: int | None = Field(default=None, primary_key=True)
    canal: str = Field(max_length=20)
    adresse: str = Field(max_length=64)
    telephone: str | None = Field(default=None, index=True, max_length=20)
    desabonne: bool = False
    injoignable: bool = False  # the person blocked the bot (Telegram): nothing reaches them
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)


class Conversation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    personne_id: int = Field(foreign_key="personne.id", index=True)
    etat: str = "{}"
    transfert: str = Field(default=BOT, max_length=20, index=True)
    motif_transfert: str | None = Field(default=None, max_length=40)
    priorite: int = 0
    # Since when a person has been waiting for an agent (None when not waiting).
    attente_depuis: dt.datetime | None = None
    # Optimistic lock: bumped by every turn.
    version: int = 0
    ouverte_le: dt.datetime = Field(default_factory=maintenant_utc)
    maj_le: dt.datetime = Field(default_factory=maintenant_utc)


class Message(SQLModel, table=True):
    """Every message in and out, with what was understood of those that came in."""

    # Partial indexes: replies have no provider id, incoming messages answer nothing, and
    # an entry that no lookup needs is still a page written at every commit (a fifth of
    # a SQLite commit's pages, benchmarks/cout_webhook.py).
    __table_args__ = (
        Index(
            "uq_message_canal_id_externe",
            "canal",
            "id_externe",
            unique=True,
            sqlite_where=text("id_externe IS NOT NULL"),
            postgresql_where=text("id_externe IS NOT NULL"),
        ),
        Index(
            "ix_message_reponse_a",
            "reponse_a",
            sqlite_where=text("reponse_a IS NOT NULL"),
            postgresql_where=text("reponse_a IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    sens: str = Field(max_length=8)  # "entrant" or "sortant"
    canal: str = Field(max_length=20)
    horodatage: dt.datetime = Field(default_factory=maintenant_utc)
    texte: str
    # The provider's id (Twilio MessageSid, Telegram update_id): a replay is recognised by it.
    id_externe: str | None = Field(default=None, max_length=80)
    # For a reply: the incoming message it answers.
    reponse_a: int | None = Field(default=None, foreign_key="message.id")
    intention: str | None = Field(default=None, max_length=40)
    aide: str | None = Field(default=None, max_length=40)
    confiance: float | None = None
    encodage: str | None = Field(default=None, max_length=8)
    segments: int | None = None
