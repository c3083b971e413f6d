"""A person and their open conversation as ORM objects, locked for the rest of the
transaction: the statements of `tour_sql` (one lookup, one creation rule), for code that
works through a Session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from assistant import tour_sql
from assistant.modeles import Conversation, Personne, maintenant_utc

journal = logging.getLogger("relais.conversations")
T = TypeVar("T")
ESSAIS = 3


def en_reprenant_les_conflits(
    transaction: Callable[[], T], conflits: tuple[type[Exception], ...]
) -> T:
    """Runs `transaction` again when it fails on a concurrent one (a person or message
    created first by another request): the next try sees what the other one stored."""
    for essai in range(ESSAIS):
        try:
            return transaction()
        except conflits as erreur:
            if essai == ESSAIS - 1:
                raise
            journal.info("transaction reprise apres conflit: %s", type(erreur).__name__)
    raise AssertionError("unreachable")


def personne_verrouillee(session: Session, canal: str, adresse: str) -> Personne:
    """The person behind this address, created if new, and locked."""
    ligne = tour_sql.personne_verrouillee(session.connection(), canal, adresse, maintenant_utc())
    personne = session.get(Personne, ligne.id)
    assert personne is not None
    return personne


def conversation_ouverte(session: Session, personne: Personne) -> Conversation | None:
    """The person's latest conversation that is not closed, locked; None if there is none."""
    ligne = tour_sql.conversation_ouverte(session.connection(), personne.id or 0)
    return session.get(Conversation, ligne.id) if ligne is not None else None
