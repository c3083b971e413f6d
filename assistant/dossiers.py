"""The tables of application files ("dossiers") and of their status changes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlmodel import Field, SQLModel

from assistant.modeles import maintenant_utc

STATUTS = (
    "recu",
    "incomplet",
    "en_instruction",
    "en_commission",
    "accorde",
    "refuse",
    "verse",
    "suspendu",
    "recours",
    "clos",
)

SOURCE_IMPORT = "import"

# Column sizes, checked by the import before anything reaches the database.
LONGUEUR_NOM = 200
LONGUEUR_ORGANISME = 120
LONGUEUR_COMMENTAIRE = 2000


def pieces_en_texte(pieces: list[str]) -> str:
    return json.dumps(pieces, ensure_ascii=False)


def pieces_du_texte(texte: str | None) -> list[str]:
    return [str(piece) for piece in json.loads(texte or "[]")]


class Dossier(SQLModel, table=True):
    """One application file, as the organisation that handles it exported it.

    `telephone` is in E.164; `pieces_manquantes` is a JSON list of strings, read it
    with `pieces()`.
    """

    id: int | None = Field(default=None, primary_key=True)
    numero: str = Field(max_length=20, unique=True)
    aide: str = Field(max_length=40)
    statut: str = Field(max_length=20)
    telephone: str | None = Field(default=None, index=True, max_length=20)
    date_naissance: dt.date | None = None
    nom: str | None = Field(default=None, max_length=LONGUEUR_NOM)
    pieces_manquantes: str = "[]"
    date_depot: dt.date | None = None
    date_decision: dt.date | None = None
    prochain_versement_date: dt.date | None = None
    prochain_versement_montant: Decimal | None = Field(
        default=None, max_digits=10, decimal_places=2
    )
    organisme: str | None = Field(default=None, max_length=LONGUEUR_ORGANISME)
    commentaire: str | None = Field(default=None, max_length=LONGUEUR_COMMENTAIRE)
    # The holder's answer to "an SMS when the status changes?"; None until asked.
    alerte_sms: bool | None = None
    maj_le: dt.datetime = Field(default_factory=maintenant_utc)

    def pieces(self) -> list[str]:
        return pieces_du_texte(self.pieces_manquantes)


class HistoriqueStatut(SQLModel, table=True):
    """A status a file took, and when: `ancien_statut` is None when the file was created."""

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    ancien_statut: str | None = Field(default=None, max_length=20)
    nouveau_statut: str = Field(max_length=20)
    horodatage: dt.datetime = Field(default_factory=maintenant_utc)
    source: str = Field(default=SOURCE_IMPORT, max_length=20)
