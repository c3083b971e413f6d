"""Phone calls: the document given at each step, and the SMS copy of what was said.

Twilio may post a step of a call twice (a retry). Each step is answered once: its TwiML
is stored with the menu state it leaves, so that a replay gets exactly the same document
and the next step knows where the caller is.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from sqlalchemy import UniqueConstraint
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from assistant.boite_envoi import deposer
from assistant.modeles import Personne, maintenant_utc

# The channel that carries the SMS copy of a call.
CANAL_SMS = "sms"


class AppelEtape(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("call_sid", "etape"),)

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(max_length=64)
    etape: int
    twiml: str
    # The menu state after this step (JSON), read by the next step.
    etat: str = "{}"
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)


def lire(moteur_sql: Engine, call_sid: str, etape: int) -> AppelEtape | None:
    with Session(moteur_sql, expire_on_commit=False) as session:
        return session.exec(
            select(AppelEtape).where(AppelEtape.call_sid == call_sid, AppelEtape.etape == etape)
        ).first()


def attendre(
    moteur_sql: Engine, call_sid: str, etape: int, delai: float = 2.0
) -> AppelEtape | None:
    """The step that a concurrent request of the same step is about to store, if it does."""
    fin = time.monotonic() + delai
    while True:
        trouve = lire(moteur_sql, call_sid, etape)
        if trouve is not None or time.monotonic() >= fin:
            return trouve
        time.sleep(0.05)


def enregistrer(
    moteur_sql: Engine,
    call_sid: str,
    etape: int,
    twiml: str,
    etat: str,
    maintenant: dt.datetime,
) -> AppelEtape:
    """Stores the step; when a concurrent request stored it first, returns that one."""
    ligne = AppelEtape(call_sid=call_sid, etape=etape, twiml=twiml, etat=etat, cree_le=maintenant)
    try:
        with Session(moteur_sql, expire_on_commit=False) as session:
            session.add(ligne)
            session.commit()
            return ligne
    except IntegrityError:
        deja = lire(moteur_sql, call_sid, etape)
        if deja is None:
            raise
        return deja


def copie_sms(
    moteur_sql: Engine,
    telephone: str,
    textes: Sequence[str],
    maintenant: dt.datetime,
    conversation_id: int | None = None,
) -> bool:
    """Puts the SMS copy of an answer in the outbox; False if the person said STOP by SMS.

    The SMS goes to the person's SMS address (the same phone), and is written in the
    call's conversation so that an agent sees it was sent.
    """
    with Session(moteur_sql) as session:
        personne = _personne_sms(session, telephone)
        if personne.desabonne:
            return False
        for texte in textes:
            deposer(
                session,
                personne,
                texte,
                proactif=False,
                maintenant=maintenant,
                conversation_id=conversation_id,
            )
        session.commit()
    return True


def _personne_sms(session: Session, telephone: str) -> Personne:
    requete = select(Personne).where(Personne.canal == CANAL_SMS, Personne.adresse == telephone)
    personne = session.exec(requete).first()
    if personne is not None:
        return personne
    try:
        with session.begin_nested():
            personne = Personne(canal=CANAL_SMS, adresse=telephone, telephone=telephone)
            session.add(personne)
        return personne
    except IntegrityError:
        # An SMS from this phone created the person meanwhile.
        return session.exec(requete).one()
