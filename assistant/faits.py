"""What the service looks up for a turn, so that the engine decides without any I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


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


@dataclass(frozen=True)
class Faits:
    # The files whose phone is the sender's verified phone number.
    dossiers_du_telephone: tuple[DossierVu, ...] = ()
    # The file whose number the message gives or the conversation awaits (None if unknown).
    dossier_cite: DossierVu | None = None
    # When the cited number's check failed lately, from any conversation.
    echecs_du_numero: tuple[dt.datetime, ...] = ()
    # The person said STOP (and not START since).
    desabonne: bool = False
