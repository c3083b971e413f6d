"""What the service looks up for a turn, so that the engine decides without any I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property


@dataclass(frozen=True)
class DossierVu:
    """An application file as the engine sees it."""

    numero: str
    aide: str
    statut: str
    date_naissance: dt.date | None = None
    pieces_manquantes: tuple[str, ...] = ()
    date_depot: dt.date | None = None
    date_decision: dt.date | None = None
    prochain_versement_date: dt.date | None = None
    prochain_versement_montant: Decimal | None = None
    organisme: str | None = None
    commentaire: str | None = None
    # None: never asked whether the person wants an SMS when the status changes.
    alerte_sms: bool | None = None
    a_un_telephone: bool = False


def _aucun_dossier() -> tuple[DossierVu, ...]:
    return ()


@dataclass(frozen=True)
class Faits:
    # Finds the files whose phone is the sender's verified phone number. Called only when
    # the turn reads `dossiers_du_telephone`: most turns don't, and it costs a query.
    trouver_dossiers: Callable[[], tuple[DossierVu, ...]] = _aucun_dossier
    # The file whose number the message gives or the conversation awaits (None if unknown).
    dossier_cite: DossierVu | None = None
    # When the cited number's check failed lately, from any conversation.
    echecs_du_numero: tuple[dt.datetime, ...] = ()
    # The person said STOP (and not START since).
    desabonne: bool = False

    @cached_property
    def dossiers_du_telephone(self) -> tuple[DossierVu, ...]:
        return self.trouver_dossiers()
