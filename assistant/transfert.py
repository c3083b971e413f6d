"""The handoff between the bot and the agents: one state machine, checked here only.

    bot ──demander──▶ attente ──prendre──▶ conseiller ──rendre──▶ bot
                         │                     │ transferer (another agent)
                         └──────clore──────────┴──clore──▶ clos

While a conversation is `attente` or `conseiller`, the bot does not answer free text.
"""

from __future__ import annotations

from assistant.erreurs import RelaisErreur

BOT = "bot"
ATTENTE = "attente"
CONSEILLER = "conseiller"
CLOS = "clos"

DEMANDER = "demander"
PRENDRE = "prendre"
TRANSFERER = "transferer"
RENDRE = "rendre"
CLORE = "clore"

TRANSITIONS: dict[tuple[str, str], str] = {
    (BOT, DEMANDER): ATTENTE,
    (ATTENTE, DEMANDER): ATTENTE,
    (CONSEILLER, DEMANDER): CONSEILLER,
    (ATTENTE, PRENDRE): CONSEILLER,
    (CONSEILLER, TRANSFERER): CONSEILLER,
    (ATTENTE, RENDRE): BOT,
    (CONSEILLER, RENDRE): BOT,
    (ATTENTE, CLORE): CLOS,
    (CONSEILLER, CLORE): CLOS,
    (BOT, CLORE): CLOS,
}

# States in which a person, not the bot, answers the citizen.
AVEC_UNE_PERSONNE = frozenset({ATTENTE, CONSEILLER})


class TransitionInterdite(RelaisErreur):
    def __init__(self, etat: str, evenement: str) -> None:
        super().__init__(f"Impossible de « {evenement} » une conversation « {etat} ».")
        self.etat = etat
        self.evenement = evenement


def transition(etat: str, evenement: str) -> str:
    try:
        return TRANSITIONS[(etat, evenement)]
    except KeyError:
        raise TransitionInterdite(etat, evenement) from None
