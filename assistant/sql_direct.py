"""Core statements run straight on the driver's cursor: the dialogue turn's hot path.

Through `Connection.execute`, SQLAlchemy spends more on a statement (execution context,
events, result objects) than SQLite spends running it: a turn's statements took 1.2 ms
that way, 0.4 ms here (benchmarks/charge_http.py, one SQLite worker). Here a statement
is compiled once per dialect and per set of parameter names, with its type conversions,
then run on the cursor of the connection's own transaction. The driver's errors come
out as SQLAlchemy's (IntegrityError, OperationalError...), as from `Connection.execute`.
Several threads may compile the same form at once: the last one stays, all are equal.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Insert, Select, Update
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine
from sqlmodel.sql.sqltypes import UTCDateTime

Conversion = Callable[[Any], Any]
Parametres = Mapping[str, Any]


@dataclass
class _Forme:
    """One statement compiled for one dialect and one set of parameter names."""

    sql: str
    # For drivers with positional parameters (SQLite's "?"), the parameters' order.
    ordre: tuple[str, ...] | None
    # The statement's own values (a LIMIT, a constant compared with), already converted.
    constantes: dict[str, Any]
    # The caller's parameters that the driver cannot take as they are (dates on SQLite).
    conversions: tuple[tuple[str, Conversion], ...]
    # Result columns: a row type with the columns' names, and their types.
    ligne: type[tuple[Any, ...]] | None
    types: tuple[TypeEngine[Any], ...]
    dialecte: Dialect
    # The columns' conversions, known at the first result: psycopg's depend on the type
    # the server reports.
    lectures: tuple[Conversion | None, ...] | None = None

    def __post_init__(self) -> None:
        # The positional values in the driver's order, taken in C (a statement has dozens).
        self._a_lire: tuple[tuple[int, Conversion], ...] = ()
        self._dans_l_ordre: Callable[[Parametres], Sequence[Any]] | None = None
        if self.ordre is not None:
            prendre = itemgetter(*self.ordre) if self.ordre else (lambda _valeurs: ())
            seul = len(self.ordre) == 1
            self._dans_l_ordre = (lambda v: (prendre(v),)) if seul else prendre

    def valeurs(self, parametres: Parametres) -> Sequence[Any] | Parametres:
        valeurs = parametres
        if self.constantes or self.conversions:
            valeurs = {**parametres, **self.constantes}
            for nom, conversion in self.conversions:
                valeurs[nom] = conversion(valeurs[nom])
        if self._dans_l_ordre is None:
            return valeurs
        return self._dans_l_ordre(valeurs)

    def lignes(self, curseur: Any, brutes: Sequence[Sequence[Any]]) -> list[Any]:
        assert self.ligne is not None
        if self.lectures is None:
            d = self.dialecte
            self.lectures = tuple(
                type_.dialect_impl(d).result_processor(d, colonne[1])
                for type_, colonne in zip(self.types, curseur.description, strict=True)
            )
            # Only the columns that need it are converted: most need nothing.
            self._a_lire = tuple((i, f) for i, f in enumerate(self.lectures) if f is not None)
        fabrique = self.ligne._make  # type: ignore[attr-defined]
        if not self._a_lire:
            return [fabrique(brute) for brute in brutes]
        lignes = []
        for brute in brutes:
            valeurs = list(brute)
            for rang, lire in self._a_lire:
                valeurs[rang] = lire(valeurs[rang])
            lignes.append(fabrique(valeurs))
        return lignes


def _conversion(type_: TypeEngine[Any], dialecte: Dialect) -> Conversion | None:
    if dialecte.name == "sqlite" and isinstance(type_, UTCDateTime):
        return date_pour_sqlite
    return type_.dialect_impl(dialecte).bind_processor(dialecte)


_DERNIERE_DATE: tuple[Any, str | None] = (None, None)


def date_pour_sqlite(valeur: dt.datetime | None) -> str | None:
    """What SQLAlchemy writes for an aware date on SQLite (in UTC, without the offset, to the
    microsecond), tested equal to it: its chain of type processors cost 2 µs a date. The
    last date is remembered, as one tuple (threads share it): a turn writes the same
    instant three or four times."""
    global _DERNIERE_DATE
    if valeur is None:
        return None
    derniere = _DERNIERE_DATE
    if valeur is derniere[0]:
        return derniere[1]
    if valeur.utcoffset() is None:
        raise ValueError("une date sans fuseau ne s'écrit pas en base : datetime.now(UTC)")
    texte = valeur.astimezone(dt.UTC).isoformat(" ", "microseconds")[:26]
    _DERNIERE_DATE = (valeur, texte)
    return texte


def _compiler(
    instruction: Select[Any] | Insert | Update, dialecte: Dialect, noms: frozenset[str]
) -> _Forme:
    compilee = instruction.compile(dialect=dialecte, column_keys=sorted(noms))
    assert isinstance(compilee, SQLCompiler)
    calculees = [c.key for c in (*compilee.insert_prefetch, *compilee.update_prefetch)]
    if calculees or compilee.literal_execute_params or compilee.post_compile_params:
        raise ValueError(f"valeurs à fournir pour exécuter en direct : {calculees or 'IN'}")
    toutes = compilee.construct_params(dict.fromkeys(noms), escape_names=False)
    conversions: list[tuple[str, Conversion]] = []
    constantes: dict[str, Any] = {}
    for nom, valeur in toutes.items():
        conversion = _conversion(compilee.binds[nom].type, dialecte)
        if nom in noms:
            if conversion is not None:
                conversions.append((nom, conversion))
        else:
            constantes[nom] = conversion(valeur) if conversion else valeur
    ligne: type[tuple[Any, ...]] | None = None
    types: tuple[TypeEngine[Any], ...] = ()
    if isinstance(instruction, Select):
        colonnes = list(instruction.selected_columns)
        nommee = namedtuple("Ligne", [c.key for c in colonnes], rename=True)  # type: ignore[misc]
        ligne, types = nommee, tuple(c.type for c in colonnes)
    ordre = tuple(compilee.positiontup or ()) if compilee.positional else None
    return _Forme(compilee.string, ordre, constantes, tuple(conversions), ligne, types, dialecte)


class Directe:
    """A Core statement to run on the driver; compiled at first use for each dialect."""

    def __init__(self, instruction: Select[Any] | Insert | Update) -> None:
        self.instruction = instruction
        self._formes: dict[tuple[str, str, frozenset[str]], _Forme] = {}

    def _forme(self, dialecte: Dialect, noms: frozenset[str]) -> _Forme:
        cle = (dialecte.name, dialecte.driver, noms)
        forme = self._formes.get(cle)
        if forme is None:
            forme = self._formes[cle] = _compiler(self.instruction, dialecte, noms)
        return forme

    def _executer(self, connexion: Connection, lot: Sequence[Parametres]) -> tuple[_Forme, Any]:
        dialecte = connexion.dialect
        forme = self._forme(dialecte, frozenset(lot[0]))
        valeurs = [forme.valeurs(p) for p in lot]
        curseur = connexion.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if len(valeurs) == 1:
                curseur.execute(forme.sql, valeurs[0])
            else:
                curseur.executemany(forme.sql, valeurs)
        except dialecte.loaded_dbapi.Error as erreur:
            raise DBAPIError.instance(
                forme.sql, valeurs, erreur, dialecte.loaded_dbapi.Error, dialect=dialecte
            ) from erreur
        return forme, curseur

    def executer(self, connexion: Connection, parametres: Parametres) -> None:
        self._executer(connexion, [parametres])

    def executer_plusieurs(self, connexion: Connection, lot: Sequence[Parametres]) -> None:
        if lot:
            self._executer(connexion, lot)

    def premiere(self, connexion: Connection, parametres: Parametres) -> Any | None:
        """The first row, with attributes named after the columns; None if there is none."""
        forme, curseur = self._executer(connexion, [parametres])
        brute = curseur.fetchone()
        return None if brute is None else forme.lignes(curseur, [brute])[0]

    def toutes(self, connexion: Connection, parametres: Parametres) -> list[Any]:
        forme, curseur = self._executer(connexion, [parametres])
        return forme.lignes(curseur, curseur.fetchall())


class Insertion:
    """An INSERT of one row that gives the row's key: the driver's `lastrowid` on SQLite,
    where RETURNING cost a third more (13 against 9 µs a row), RETURNING elsewhere."""

    def __init__(self, table: Table) -> None:
        self._simple = Directe(insert(table))
        (cle,) = table.primary_key.columns
        self._avec_retour = Directe(insert(table).returning(cle))

    def cle_inseree(self, connexion: Connection, parametres: Parametres) -> int:
        if connexion.dialect.name == "sqlite":
            _forme, curseur = self._simple._executer(connexion, [parametres])
            return int(curseur.lastrowid)
        _forme, curseur = self._avec_retour._executer(connexion, [parametres])
        return int(curseur.fetchone()[0])
