"""What one step of a phone call says and listens for: neutral, written as TwiML or printed.

The menu state of a call (`EtatAppel`) travels from one step to the next as JSON: a stack
of screens, each with what was said on it, its prompt and what each key does there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from assistant.telephones import est_mobile, normaliser_telephone

# How a document ends when it does not listen.
RACCROCHER = "raccrocher"
TRANSFERER = "transferer"

# What a <Gather> listens for: one key, a file number ended by #, a date of 8 digits.
TOUCHE = "touche"
NUMERO = "numero"
DATE = "date"

# A caller whose number is hidden gets an address of their own for the call; short enough
# to fit a phone column, since it may be stored as one.
PREFIXE_MASQUE = "masque-"


@dataclass(frozen=True)
class Phrase:
    texte: str
    # Said slowly (an emergency number).
    lent: bool = False


@dataclass(frozen=True)
class Document:
    phrases: tuple[Phrase, ...]
    # TOUCHE, NUMERO or DATE: the phrases are the prompt of a <Gather>.
    ecoute: str | None = None
    # Said when that <Gather> gets nothing, before hanging up (the last offer).
    sans_reponse: tuple[Phrase, ...] = ()
    # Without `ecoute`: RACCROCHER or TRANSFERER once the phrases are said.
    fin: str = RACCROCHER


@dataclass(frozen=True)
class Entree:
    """What the caller did at a step."""

    touches: str = ""
    parole: str = ""
    # The speech recogniser's confidence, 0 to 1 (None with keys).
    confiance: float | None = None
    # The <Gather> timed out without any input.
    silence: bool = False
    # After a transfer: how it ended (DialCallStatus or QueueResult).
    issue_transfert: str | None = None


@dataclass(frozen=True)
class Appelant:
    adresse: str
    # E.164, or None when the number is hidden or not a phone number.
    telephone: str | None

    @classmethod
    def depuis(cls, numero: str, call_sid: str) -> Appelant:
        telephone = normaliser_telephone(numero) if numero.strip() else None
        return cls(telephone or f"{PREFIXE_MASQUE}{call_sid[-12:]}", telephone)

    @property
    def mobile(self) -> bool:
        return self.telephone is not None and est_mobile(self.telephone)


@dataclass
class EtatAppel:
    # The screens, the current one last; the main menu at the bottom.
    pile: list[dict[str, Any]] = field(default_factory=list)
    # Prompts in a row without a usable answer.
    echecs: int = 0
    # The aid carried over from the person's messages on another channel.
    reprise: str | None = None
    conversation_id: int | None = None

    @property
    def ecran(self) -> dict[str, Any]:
        return self.pile[-1]

    def vers_json(self) -> str:
        return json.dumps(
            {
                "pile": self.pile,
                "echecs": self.echecs,
                "reprise": self.reprise,
                "conversation_id": self.conversation_id,
            },
            ensure_ascii=False,
        )

    @classmethod
    def depuis_json(cls, texte: str | None) -> EtatAppel:
        brut = json.loads(texte) if texte else {}
        return cls(
            pile=list(brut.get("pile", [])),
            echecs=int(brut.get("echecs", 0)),
            reprise=brut.get("reprise"),
            conversation_id=brut.get("conversation_id"),
        )
