"""The dialogue state of one conversation: what the engine remembers between messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.reponse import Choix


@dataclass(frozen=True)
class EtatDialogue:
    # The aid talked about last: "et combien ?" is about it.
    aide: str | None = None
    # The intent answered last.
    intention: str | None = None
    # The numbered choices offered last: a bare number picks one of them.
    choix: tuple[Choix, ...] = ()
    # The intent that waits for the person to name an aid.
    intention_en_attente: str | None = None
    # Messages in a row that the engine did not understand.
    incompris: int = 0
    # Free-form slots for flows that need more than one message (e.g. identity checks).
    attente: str | None = None
    donnees: dict[str, Any] = field(default_factory=dict)

    def evoluer(self, **changements: Any) -> EtatDialogue:
        return replace(self, **changements)

    def vers_json(self) -> str:
        # By hand rather than dataclasses.asdict, which deep-copies: this runs every turn.
        champs = {nom: getattr(self, nom) for nom in self.__dataclass_fields__}
        champs["choix"] = [{"valeur": c.valeur, "libelle": c.libelle} for c in self.choix]
        return json.dumps(champs, ensure_ascii=False, sort_keys=True)

    @classmethod
    def depuis_json(cls, texte: str | None) -> EtatDialogue:
        if not texte:
            return cls()
        brut = json.loads(texte)
        brut["choix"] = tuple(Choix(**c) for c in brut.get("choix", ()))
        connus = {k: v for k, v in brut.items() if k in cls.__dataclass_fields__}
        return cls(**connus)
