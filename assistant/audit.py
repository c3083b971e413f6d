"""Traces kept for accountability: who was told what about which file, failed checks.

No message text is kept here, and file numbers of failed checks only as a keyed hash.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from assistant.modeles import maintenant_utc


class Divulgation(SQLModel, table=True):
    """A file's status was told to someone: when, on which channel, how they were verified."""

    id: int | None = Field(default=None, primary_key=True)
    horodatage: dt.datetime = Field(default_factory=maintenant_utc)
    canal: str = Field(max_length=20)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    methode: str = Field(max_length=30)  # "telephone" or "numero_et_date"


class EchecControle(SQLModel, table=True):
    """A failed identity check on a file number, whichever conversation tried it."""

    id: int | None = Field(default=None, primary_key=True)
    numero_empreinte: str = Field(max_length=32, index=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    horodatage: dt.datetime = Field(default_factory=maintenant_utc, index=True)
