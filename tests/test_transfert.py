from __future__ import annotations

import itertools

import pytest

from assistant.transfert import (
    ATTENTE,
    BOT,
    CLORE,
    CLOS,
    CONSEILLER,
    DEMANDER,
    PRENDRE,
    RENDRE,
    TRANSFERER,
    TRANSITIONS,
    TransitionInterdite,
    transition,
)

PERMISES = [
    (BOT, DEMANDER, ATTENTE),
    (ATTENTE, PRENDRE, CONSEILLER),
    (CONSEILLER, TRANSFERER, CONSEILLER),
    (CONSEILLER, RENDRE, BOT),
    (ATTENTE, RENDRE, BOT),
    (CONSEILLER, CLORE, CLOS),
    (ATTENTE, CLORE, CLOS),
]


@pytest.mark.parametrize(("etat", "evenement", "attendu"), PERMISES)
def test_transitions_permises(etat: str, evenement: str, attendu: str):
    assert transition(etat, evenement) == attendu


INTERDITES = [
    (e, v)
    for e, v in itertools.product(
        (BOT, ATTENTE, CONSEILLER, CLOS), (DEMANDER, PRENDRE, TRANSFERER, RENDRE, CLORE)
    )
    if (e, v) not in TRANSITIONS
]


@pytest.mark.parametrize(("etat", "evenement"), INTERDITES)
def test_transitions_interdites(etat: str, evenement: str):
    with pytest.raises(TransitionInterdite):
        transition(etat, evenement)


def test_on_ne_sort_pas_d_une_conversation_close():
    assert all(e != CLOS for e, _ in TRANSITIONS)
    assert (BOT, PRENDRE) in INTERDITES and (CLOS, RENDRE) in INTERDITES
