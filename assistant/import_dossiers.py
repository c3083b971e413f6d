"""Imports application files from a CSV (CONTRAT §5): validate it all, then write it all or nothing.

Two passes over the file keep memory bounded whatever its size: the first validates every
row and keeps only the file numbers (to find duplicates); the second reads it again and
writes it in chunks, in one transaction, committed at the end.

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
import logging
import re
import sys
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from sqlalchemy import Table, bindparam, insert, literal, null, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.contenus import charger_taxonomie
from assistant.dossiers import (
    LONGUEUR_COMMENTAIRE,
    LONGUEUR_NOM,
    LONGUEUR_ORGANISME,
    SOURCE_IMPORT,
    STATUTS,
    Dossier,
    HistoriqueStatut,
    pieces_en_texte,
)
from assistant.erreurs import RelaisErreur
from assistant.telephones import normaliser_telephone

journal = logging.getLogger(__name__)

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
TAILLE_LOT = 2000

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


class ChangementStatut(NamedTuple):
    dossier_id: int
    numero: str
    ancien_statut: str
    nouveau_statut: str


@dataclass
class RapportImport:
    ajoutes: int = 0
    modifies: int = 0
    inchanges: int = 0
    rejets: list[Rejet] = field(default_factory=list)
    # Status changes of files that already existed, for the notifications.
    changements_statut: list[ChangementStatut] = field(default_factory=list)
    # Status-change SMS queued with the import.
    notifications: int = 0

    @property
    def accepte(self) -> bool:
        return not self.rejets

    @property
    def rejetes(self) -> int:
        return len(self.rejets)

    def lignes(self) -> list[str]:
        if self.rejets:
            return [
                f"Fichier rejeté : {self.rejetes} ligne(s) en erreur. "
                "Aucun dossier n'a été modifié.",
                *(str(rejet) for rejet in self.rejets),
            ]
        resume = (
            f"Import terminé : {self.ajoutes} ajouté(s), {self.modifies} mis à jour, "
            f"{self.inchanges} inchangé(s), 0 rejeté."
        )
        if not self.changements_statut:
            return [resume]
        return [resume, f"{len(self.changements_statut)} changement(s) de statut."]


@dataclass(frozen=True, slots=True)
class LigneBrute:
    """One record as read: its line number, its cells by column, or why it has no cells."""

    ligne: int
    valeurs: dict[str, str]
    probleme: str | None = None


Source = Callable[[], Iterable[LigneBrute]]


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


def _enregistrements(chemin: Path) -> Generator[tuple[int, list[str]]]:
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


def _lignes_du_fichier(chemin: Path, colonnes: Sequence[str]) -> Iterator[LigneBrute]:
    enregistrements = _enregistrements(chemin)
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


# --- Writing -------------------------------------------------------------------------


def _par_lots(lignes: Iterable[dict[str, Any]], taille: int) -> Iterator[list[dict[str, Any]]]:
    iterateur = iter(lignes)
    while lot := list(islice(iterateur, taille)):
        yield lot


def _table(modele: Any) -> Table:
    table: Table = modele.__table__
    return table


class _Ecriture:
    """Writes validated records chunk by chunk, on one connection, inside its transaction."""

    def __init__(
        self, connexion: Connection, colonnes: Sequence[str], maintenant: dt.datetime
    ) -> None:
        self.connexion = connexion
        self.maintenant = maintenant
        self.dossier = _table(Dossier)
        self.historique = _table(HistoriqueStatut)
        self.modifiables = [c for c in colonnes if c != "numero"]
        d = self.dossier
        self.lecture = select(d.c.id, d.c.numero, *(d.c[c] for c in self.modifiables))
        self.mise_a_jour = (
            update(d)
            .where(d.c.id == bindparam("v_id"))
            .values({c: bindparam(f"v_{c}") for c in [*self.modifiables, "maj_le"]})
        )
        self.ajout = insert(d)
        # The creations' history in one statement per chunk, the new ids read server-side
        # (much cheaper on PostgreSQL than INSERT ... RETURNING over thousands of rows).
        h = self.historique
        self.historique_creations = insert(h).from_select(
            ["dossier_id", "ancien_statut", "nouveau_statut", "horodatage", "source"],
            select(
                d.c.id,
                null(),
                d.c.statut,
                bindparam("horodatage", type_=h.c.horodatage.type),
                literal(SOURCE_IMPORT, h.c.source.type),
            ).where(d.c.numero.in_(bindparam("numeros", expanding=True))),
        )

    def verrouiller(self) -> None:
        # Two imports at once on PostgreSQL: the second waits, then sees the first's rows,
        # instead of failing on the unique numero or logging a stale former status.
        # Reading the files stays possible meanwhile. (SQLite transactions here already
        # take the write lock at BEGIN.)
        if self.connexion.dialect.name == "postgresql":
            self.connexion.execute(text(f"LOCK TABLE {self.dossier.name} IN EXCLUSIVE MODE"))

    def ecrire(self, lot: list[dict[str, Any]], rapport: RapportImport) -> None:
        numeros = [champs["numero"] for champs in lot]
        existants = {
            rangee.numero: rangee
            for rangee in self.connexion.execute(
                self.lecture.where(self.dossier.c.numero.in_(numeros))
            )
        }
        nouveaux: list[dict[str, Any]] = []
        modifies: list[dict[str, Any]] = []
        historique: list[dict[str, Any]] = []
        for champs in lot:
            ancien = existants.get(champs["numero"])
            if ancien is None:
                nouveaux.append({**champs, "maj_le": self.maintenant})
                continue
            if all(getattr(ancien, c) == champs[c] for c in self.modifiables):
                rapport.inchanges += 1
                continue
            valeurs = {f"v_{c}": champs[c] for c in self.modifiables}
            modifies.append({"v_id": ancien.id, **valeurs, "v_maj_le": self.maintenant})
            if ancien.statut != champs["statut"]:
                historique.append(self._historique(ancien.id, ancien.statut, champs["statut"]))
                rapport.changements_statut.append(
                    ChangementStatut(ancien.id, champs["numero"], ancien.statut, champs["statut"])
                )
        if nouveaux:
            self.connexion.execute(self.ajout, nouveaux)
            self.connexion.execute(
                self.historique_creations,
                {"numeros": [n["numero"] for n in nouveaux], "horodatage": self.maintenant},
            )
        if modifies:
            self.connexion.execute(self.mise_a_jour, modifies)
        if historique:
            self.connexion.execute(insert(self.historique), historique)
        rapport.ajoutes += len(nouveaux)
        rapport.modifies += len(modifies)

    def _historique(self, dossier_id: int, ancien: str, nouveau: str) -> dict[str, Any]:
        return {
            "dossier_id": dossier_id,
            "ancien_statut": ancien,
            "nouveau_statut": nouveau,
            "horodatage": self.maintenant,
            "source": SOURCE_IMPORT,
        }


# --- The import ----------------------------------------------------------------------


def _verifier(lignes: Iterable[LigneBrute], validateur: Validateur) -> list[Rejet]:
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


def _valides(lignes: Iterable[LigneBrute], validateur: Validateur) -> Iterator[dict[str, Any]]:
    for brute in lignes:
        champs, rejet = validateur.valider(brute)
        if rejet is not None:
            raise FichierIllisible(brute.ligne, "le fichier a changé pendant l'import")
        yield champs


# Called in the import's transaction once every file is written, with the report so far:
# what it writes (the status-change SMS) is committed with the files, or not at all.
ApresEcriture = Callable[[Connection, "RapportImport"], None]


def importer_lignes(
    colonnes: Sequence[str],
    source: Source,
    moteur_sql: Engine,
    maintenant: dt.datetime,
    apres_ecriture: ApresEcriture | None = None,
) -> RapportImport:
    """Imports the records `source()` yields (called twice: to check, then to write)."""
    validateur = Validateur(charger_taxonomie().aides, maintenant.date())
    try:
        rejets = _verifier(source(), validateur)
        if rejets:
            return RapportImport(rejets=rejets)
        rapport = RapportImport()
        with moteur_sql.begin() as connexion:
            ecriture = _Ecriture(connexion, colonnes, maintenant)
            ecriture.verrouiller()
            for lot in _par_lots(_valides(source(), validateur), TAILLE_LOT):
                ecriture.ecrire(lot, rapport)
            if apres_ecriture is not None:
                apres_ecriture(connexion, rapport)
        return rapport
    except FichierIllisible as erreur:
        return RapportImport(rejets=[Rejet(erreur.ligne, (erreur.raison,))])


def importer(
    chemin: Path,
    moteur_sql: Engine,
    maintenant: dt.datetime,
    apres_ecriture: ApresEcriture | None = None,
) -> RapportImport:
    """Imports a CSV file of application files, all or nothing; the report says what it did."""
    enregistrements = _enregistrements(chemin)
    try:
        entete = next(enregistrements, None)
        if entete is None:
            raise FichierIllisible(1, "fichier vide, la ligne d'en-tête manque")
        colonnes = lire_entete(entete[1])
    except FichierIllisible as erreur:
        return RapportImport(rejets=[Rejet(erreur.ligne, (erreur.raison,))])
    finally:
        enregistrements.close()
    return importer_lignes(
        colonnes,
        lambda: _lignes_du_fichier(chemin, colonnes),
        moteur_sql,
        maintenant,
        apres_ecriture,
    )


def commande_importer(chemin: Path) -> int:
    """`relais dossiers importer FICHIER.csv`: 0 when imported, 1 when rejected."""
    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.config import lire_parametres
    from assistant.modeles import maintenant_utc

    moteur_sql = creer_moteur_sql(lire_parametres().database_url)
    try:
        try:
            preparer_schema(moteur_sql)
            rapport = importer(chemin, moteur_sql, maintenant_utc(), deposer_notifications)
        except SQLAlchemyError as erreur:
            # The driver's message may quote row values (phone numbers): only its kind is logged.
            journal.error("import des dossiers interrompu : %s", type(erreur).__name__)
            print(
                "Import impossible : la base de données est injoignable ou a refusé l'écriture. "
                "Aucun dossier n'a été modifié.",
                file=sys.stderr,
            )
            return 1
        for ligne in rapport.lignes():
            print(ligne)
        if rapport.changements_statut:
            print(f"{rapport.notifications} SMS de changement de statut en file d'envoi.")
        return 0 if rapport.accepte else 1
    finally:
        moteur_sql.dispose()


def deposer_notifications(connexion: Connection, rapport: RapportImport) -> None:
    """The SMS to people who asked to hear of a change of their file's status."""
    if not rapport.changements_statut:
        return
    from assistant.contenus import charger_catalogue
    from assistant.modeles import maintenant_utc
    from assistant.notifications import notifier_changements
    from assistant.rendu import Rendeur

    rapport.notifications = notifier_changements(
        connexion, Rendeur(charger_catalogue()), rapport.changements_statut, maintenant_utc()
    )
