"""Reading and checking a CSV of application files (CONTRAT §5), record by record.

Choices the contract leaves open:
- header names are matched trimmed and lower-cased, in any order; a column the contract
  does not name rejects the file, because a misspelt optional column would otherwise drop
  its values without a word;
- a column absent from the header leaves that field as it is on existing files; an empty
  cell clears it;
- `numero` is 5 to 20 letters, digits or '-', stored upper-case; `aide` and `statut` are
  read lower-case;
- a rejection names the line, the file number and the column, never the value of a phone
  number, a name or a date of birth.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from assistant.dossiers import (
    LONGUEUR_COMMENTAIRE,
    LONGUEUR_NOM,
    LONGUEUR_ORGANISME,
    STATUTS,
    pieces_en_texte,
)
from assistant.erreurs import RelaisErreur
from assistant.telephones import normaliser_telephone

COLONNES = (
    "numero",
    "aide",
    "statut",
    "telephone",
    "date_naissance",
    "nom",
    "pieces_manquantes",
    "date_depot",
    "date_decision",
    "prochain_versement_date",
    "prochain_versement_montant",
    "organisme",
    "commentaire",
)
OBLIGATOIRES = ("numero", "aide", "statut")

_NUMERO = re.compile(r"[A-Za-z0-9-]{5,20}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTANT = re.compile(r"\d{1,8}(?:[.,]\d{1,2})?")
_ESPACES = str.maketrans("", "", " \u00a0\u202f")
_CAUSES: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "fichier introuvable"),
    (IsADirectoryError, "c'est un dossier"),
    (PermissionError, "lecture non autorisée"),
)


class FichierIllisible(RelaisErreur):
    """The file cannot be read as a whole (missing, not UTF-8, broken CSV, bad header)."""

    def __init__(self, ligne: int | None, raison: str) -> None:
        super().__init__(f"ligne {ligne} : {raison}" if ligne else raison)
        self.ligne = ligne
        self.raison = raison


class _Invalide(Exception):
    """A cell's value is wrong; the message says why, without repeating a personal value."""


@dataclass(frozen=True, slots=True)
class Rejet:
    """A rejected record (`ligne` None: the file as a whole) and every reason why."""

    ligne: int | None
    raisons: tuple[str, ...]
    numero: str | None = None

    def __str__(self) -> str:
        if self.ligne is None:
            return " ; ".join(self.raisons)
        dossier = f" (dossier {self.numero})" if self.numero else ""
        return f"ligne {self.ligne}{dossier} : {' ; '.join(self.raisons)}"


@dataclass(frozen=True, slots=True)
class LigneBrute:
    """One record as read: its line number, its cells by column, or why it has no cells."""

    ligne: int
    valeurs: dict[str, str]
    probleme: str | None = None


# --- Reading cells -------------------------------------------------------------------


def _obligatoire(texte: str) -> str:
    if not texte:
        raise _Invalide("obligatoire, cellule vide")
    return texte


def _numero(texte: str) -> str:
    if not _NUMERO.fullmatch(_obligatoire(texte)):
        raise _Invalide("numéro de dossier invalide (5 à 20 lettres, chiffres ou tirets)")
    return texte.upper()


def _statut(texte: str) -> str:
    statut = _obligatoire(texte).lower()
    if statut not in STATUTS:
        raise _Invalide(f"statut inconnu « {texte[:40]} » (attendu : {', '.join(STATUTS)})")
    return statut


def _telephone(texte: str) -> str | None:
    if not texte:
        return None
    e164 = normaliser_telephone(texte)
    if e164 is None:
        raise _Invalide("numéro de téléphone invalide")
    return e164


def _date(texte: str) -> dt.date | None:
    if not texte:
        return None
    try:
        if _DATE.fullmatch(texte):
            return dt.date.fromisoformat(texte)
    except ValueError:
        pass
    raise _Invalide("date invalide (attendu AAAA-MM-JJ)")


def _montant(texte: str) -> Decimal | None:
    texte = texte.translate(_ESPACES)
    if not texte:
        return None
    if not _MONTANT.fullmatch(texte):
        raise _Invalide("montant invalide (des euros, par exemple 646,52 ou 646.52)")
    return Decimal(texte.replace(",", "."))


def _pieces(texte: str) -> str:
    if not texte:
        return "[]"
    return pieces_en_texte([piece.strip() for piece in texte.split(";") if piece.strip()])


def _texte(longueur: int) -> Callable[[str], str | None]:
    def lire(texte: str) -> str | None:
        if len(texte) > longueur:
            raise _Invalide(f"trop long ({longueur} caractères au plus)")
        return texte or None

    return lire


class Validateur:
    """Turns the cells of a record into column values, or the reasons it is rejected."""

    def __init__(self, aides: Iterable[str], aujourd_hui: dt.date) -> None:
        self.aides = frozenset(aides)
        self.aujourd_hui = aujourd_hui
        self.lecteurs: dict[str, Callable[[str], Any]] = {
            "numero": _numero,
            "aide": self._aide,
            "statut": _statut,
            "telephone": _telephone,
            "date_naissance": self._date_naissance,
            "nom": _texte(LONGUEUR_NOM),
            "pieces_manquantes": _pieces,
            "date_depot": _date,
            "date_decision": _date,
            "prochain_versement_date": _date,
            "prochain_versement_montant": _montant,
            "organisme": _texte(LONGUEUR_ORGANISME),
            "commentaire": _texte(LONGUEUR_COMMENTAIRE),
        }

    def _aide(self, texte: str) -> str:
        aide = _obligatoire(texte).lower()
        if aide not in self.aides:
            raise _Invalide(f"aide inconnue « {texte[:40]} »")
        return aide

    def _date_naissance(self, texte: str) -> dt.date | None:
        date = _date(texte)
        if date is not None and date > self.aujourd_hui:
            raise _Invalide("date dans le futur")
        return date

    def valider(self, brute: LigneBrute) -> tuple[dict[str, Any], Rejet | None]:
        numero: str | None = brute.valeurs.get("numero", "").strip()
        if not (numero and _NUMERO.fullmatch(numero)):
            numero = None  # whatever sits in a bad numero cell is not repeated
        if brute.probleme:
            return {}, Rejet(brute.ligne, (brute.probleme,), numero)
        champs: dict[str, Any] = {}
        raisons: list[str] = []
        for colonne, cellule in brute.valeurs.items():
            try:
                champs[colonne] = self.lecteurs[colonne](cellule.strip())
            except _Invalide as erreur:
                raisons.append(f"{colonne} : {erreur}")
        if raisons:
            return {}, Rejet(brute.ligne, tuple(raisons), numero)
        return champs, None


# --- Reading the file ----------------------------------------------------------------


def _lignes_utf8(fichier: BinaryIO) -> Iterator[str]:
    """The file's lines decoded one by one, so that a bad byte is reported on its line."""
    for numero, octets in enumerate(fichier, start=1):
        try:
            ligne = octets.decode("utf-8")
        except UnicodeDecodeError as erreur:
            raise FichierIllisible(numero, "le fichier n'est pas encodé en UTF-8") from erreur
        yield ligne.removeprefix("\ufeff") if numero == 1 else ligne


def lire_enregistrements(chemin: Path) -> Generator[tuple[int, list[str]]]:
    """(line where the record starts, its cells), header included, blank lines skipped."""
    try:
        with chemin.open("rb") as fichier:
            lecteur = csv.reader(_lignes_utf8(fichier))
            while True:
                debut = lecteur.line_num + 1
                try:
                    cellules = next(lecteur)
                except StopIteration:
                    return
                except csv.Error as erreur:
                    raise FichierIllisible(debut, f"CSV illisible ({erreur})") from erreur
                if any(cellule.strip() for cellule in cellules):
                    yield debut, cellules
    except OSError as erreur:
        cause = next(
            (texte for genre, texte in _CAUSES if isinstance(erreur, genre)), erreur.strerror
        )
        raison = f"impossible de lire le fichier {chemin} ({cause})"
        raise FichierIllisible(None, raison) from erreur


def lire_entete(cellules: Sequence[str]) -> list[str]:
    """The column names, or FichierIllisible (line 1) naming every problem."""
    colonnes = [cellule.strip().lower() for cellule in cellules]
    problemes = []
    inconnues = [nom or f"(colonne {i} sans nom)" for i, nom in enumerate(colonnes, 1)]
    inconnues = [nom for nom in inconnues if nom not in COLONNES]
    if inconnues:
        problemes.append(
            f"colonne(s) inconnue(s) : {', '.join(inconnues)} "
            f"(colonnes possibles : {', '.join(COLONNES)})"
        )
    doublons = sorted({nom for nom in colonnes if nom and colonnes.count(nom) > 1})
    if doublons:
        problemes.append(f"colonne(s) en double : {', '.join(doublons)}")
    absentes = [nom for nom in OBLIGATOIRES if nom not in colonnes]
    if absentes:
        problemes.append(f"colonne(s) obligatoire(s) absente(s) : {', '.join(absentes)}")
    if problemes:
        raise FichierIllisible(1, " ; ".join(problemes))
    return colonnes


def lignes_du_fichier(chemin: Path, colonnes: Sequence[str]) -> Iterator[LigneBrute]:
    enregistrements = lire_enregistrements(chemin)
    next(enregistrements)  # the header, already read
    for ligne, cellules in enregistrements:
        # Spreadsheets often leave empty cells after the last column: harmless.
        if len(cellules) > len(colonnes) and not any(c.strip() for c in cellules[len(colonnes) :]):
            cellules = cellules[: len(colonnes)]
        valeurs = dict(zip(colonnes, cellules, strict=False))
        if len(cellules) != len(colonnes):
            probleme = f"{len(cellules)} cellule(s), {len(colonnes)} attendue(s)"
            yield LigneBrute(ligne, valeurs, probleme)
        else:
            yield LigneBrute(ligne, valeurs)


# --- Checking the whole file ----------------------------------------------------------


def verifier(lignes: Iterable[LigneBrute], validateur: Validateur) -> list[Rejet]:
    """Every rejected record of the file; keeps only the file numbers in memory."""
    rejets: list[Rejet] = []
    vus: dict[str, int] = {}
    for brute in lignes:
        champs, rejet = validateur.valider(brute)
        if rejet is not None:
            rejets.append(rejet)
            continue
        numero = champs["numero"]
        if numero in vus:
            raison = f"numéro de dossier déjà présent ligne {vus[numero]}"
            rejets.append(Rejet(brute.ligne, (raison,), numero))
        else:
            vus[numero] = brute.ligne
    return rejets


def valides(lignes: Iterable[LigneBrute], validateur: Validateur) -> Iterator[dict[str, Any]]:
    for brute in lignes:
        champs, rejet = validateur.valider(brute)
        if rejet is not None:
            raise FichierIllisible(brute.ligne, "le fichier a changé pendant l'import")
        yield champs
