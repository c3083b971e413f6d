"""The dialogue state of one conversation: what the engine remembers between messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.reponse import Choix

# States are read and written at every turn, and most are a few hundred common ones. The
# states already met are kept both ways, text to state and fields to text: the state a
# turn wrote is the one the next turn reads. A state is never changed in place (`evoluer`
# makes a new one), so the same object may serve several conversations.
_MEMO_MAX = 4096
_lus: dict[str, EtatDialogue] = {}
_ecrits: dict[tuple[Any, ...], str] = {}


def _retenir(memo: dict[Any, Any], cle: Any, valeur: Any) -> None:
    if len(memo) >= _MEMO_MAX:
        memo.clear()  # rare, and safe while other threads read (PostgreSQL's turns)
    memo[cle] = valeur


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
        # Free-form data makes a state of its own: only states without any are kept.
        cle = None if self.donnees else self._cle()
        texte = _ecrits.get(cle) if cle is not None else None
        if texte is None:
            # By hand rather than dataclasses.asdict, which deep-copies.
            champs = {nom: getattr(self, nom) for nom in self.__dataclass_fields__}
            champs["choix"] = [{"valeur": c.valeur, "libelle": c.libelle} for c in self.choix]
            texte = json.dumps(champs, ensure_ascii=False, sort_keys=True)
            if cle is not None:
                _retenir(_ecrits, cle, texte)
        if cle is not None and texte not in _lus:
            # Without free-form data, the state reads back exactly as it is.
            _retenir(_lus, texte, self)
        return texte

    def _cle(self) -> tuple[Any, ...]:
        return (self.aide, self.intention, self.choix, self.intention_en_attente,
                self.incompris, self.attente)  # fmt: skip

    @classmethod
    def depuis_json(cls, texte: str | None) -> EtatDialogue:
        if not texte:
            return cls()
        etat = _lus.get(texte)
        if etat is None:
            brut = json.loads(texte)
            brut["choix"] = tuple(Choix(**c) for c in brut.get("choix", ()))
            connus = {k: v for k, v in brut.items() if k in cls.__dataclass_fields__}
            etat = cls(**connus)
            _retenir(_lus, texte, etat)
        return etat
