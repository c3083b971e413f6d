"""Agents' login sessions, kept in the database so that logout and deactivation end them.

Only a hash of the session token is stored: a copy of the table opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.conseillers import Conseiller, en_utc
from assistant.modeles import maintenant_utc

DUREE_SESSION = dt.timedelta(hours=12)


class SessionConseiller(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    empreinte: str = Field(max_length=64, unique=True)
    conseiller_id: int = Field(foreign_key="conseiller.id", index=True)
    # The token every form and fetch POST of this session must carry.
    csrf: str = Field(max_length=64)
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)
    expire_le: dt.datetime


@dataclass(frozen=True)
class Connecte:
    """The agent behind a request, and the CSRF token of their session."""

    conseiller: Conseiller
    csrf: str


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def ouvrir(moteur_sql: Engine, conseiller_id: int, maintenant: dt.datetime) -> str:
    """A new session; returns its token (to put, signed, in the cookie)."""
    jeton = secrets.token_urlsafe(32)
    with Session(moteur_sql) as session:
        session.exec(
            delete(SessionConseiller).where(col(SessionConseiller.expire_le) < maintenant)
        )
        session.add(
            SessionConseiller(
                empreinte=_empreinte(jeton),
                conseiller_id=conseiller_id,
                csrf=secrets.token_urlsafe(32),
                cree_le=maintenant,
                expire_le=maintenant + DUREE_SESSION,
            )
        )
        session.commit()
    return jeton


def retrouver(moteur_sql: Engine, jeton: str, maintenant: dt.datetime) -> Connecte | None:
    """The agent of a live session of an active account, or None."""
    with Session(moteur_sql, expire_on_commit=False) as session:
        ligne = session.exec(
            select(SessionConseiller, Conseiller)
            .join(Conseiller, col(Conseiller.id) == SessionConseiller.conseiller_id)
            .where(SessionConseiller.empreinte == _empreinte(jeton))
        ).first()
    if ligne is None:
        return None
    session_conseiller, conseiller = ligne
    if en_utc(session_conseiller.expire_le) <= maintenant or not conseiller.actif:
        return None
    return Connecte(conseiller, session_conseiller.csrf)


def fermer(moteur_sql: Engine, jeton: str) -> None:
    with Session(moteur_sql) as session:
        session.exec(
            delete(SessionConseiller).where(col(SessionConseiller.empreinte) == _empreinte(jeton))
        )
        session.commit()


def fermer_toutes(session: Session, conseiller_id: int) -> None:
    """Ends every session of an account (deactivation), in the caller's transaction."""
    session.exec(
        delete(SessionConseiller).where(col(SessionConseiller.conseiller_id) == conseiller_id)
    )
