"""The neutral reply the engine decides on; each channel renders it its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_VIDE: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class MessageEntrant:
    """What a citizen sent, whatever the channel."""

    texte: str
    # The value of a button pressed (Telegram inline keyboard), instead of typed text.
    choix: str | None = None
    # Pictures or files sent with the message: they cannot be read here.
    pieces_jointes: int = 0


@dataclass(frozen=True)
class Choix:
    """A numbered choice offered to the person: `valeur` is what the engine acts on."""

    valeur: str
    libelle: str


@dataclass(frozen=True)
class Bloc:
    """One piece of the reply: the template `nature`, about `aide`, with extra `donnees`."""

    nature: str
    aide: str | None = None
    donnees: Mapping[str, Any] = field(default_factory=lambda: _VIDE)


# Actions the engine asks the service to carry out.
TRANSMETTRE = "transmettre"  # put the conversation before a person
DESABONNER = "desabonner"  # STOP: send nothing more
REABONNER = "reabonner"  # START

PRIORITE_URGENCE = 100
PRIORITE_NORMALE = 10


@dataclass(frozen=True)
class Action:
    type: str
    motif: str | None = None
    priorite: int = PRIORITE_NORMALE
    # What the action is about, e.g. a file number.
    cible: str | None = None


@dataclass(frozen=True)
class Reponse:
    blocs: tuple[Bloc, ...]
    choix: tuple[Choix, ...] = ()
    actions: tuple[Action, ...] = ()
    # What the engine understood of the message, for the record and the metrics.
    intention: str | None = None
    aide: str | None = None
    confiance: float = 0.0

    @property
    def natures(self) -> tuple[str, ...]:
        return tuple(bloc.nature for bloc in self.blocs)

    def action(self, type_action: str) -> Action | None:
        return next((a for a in self.actions if a.type == type_action), None)
