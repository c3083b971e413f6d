"""Imports application files from a CSV (CONTRAT §5): validate it all, then write it all or nothing.

Two passes over the file keep memory bounded whatever its size: the first validates every
row and keeps only the file numbers (to find duplicates); the second reads it again and
writes it in chunks, in one transaction, committed at the end. Reading and checking are in
`lecture_dossiers`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, literal, null, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.contenus import charger_taxonomie
from assistant.dossiers import SOURCE_IMPORT, Dossier, HistoriqueStatut
from assistant.lecture_dossiers import (
    FichierIllisible,
    LigneBrute,
    Rejet,
    Validateur,
    lignes_du_fichier,
    lire_enregistrements,
    lire_entete,
    valides,
    verifier,
)
from assistant.modeles import table_de

journal = logging.getLogger(__name__)
TAILLE_LOT = 2000


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


Source = Callable[[], Iterable[LigneBrute]]


# --- Writing -------------------------------------------------------------------------


def _par_lots(lignes: Iterable[dict[str, Any]], taille: int) -> Iterator[list[dict[str, Any]]]:
    iterateur = iter(lignes)
    while lot := list(islice(iterateur, taille)):
        yield lot


class _Ecriture:
    """Writes validated records chunk by chunk, on one connection, inside its transaction."""

    def __init__(
        self, connexion: Connection, colonnes: Sequence[str], maintenant: dt.datetime
    ) -> None:
        self.connexion = connexion
        self.maintenant = maintenant
        self.dossier = table_de(Dossier)
        self.historique = table_de(HistoriqueStatut)
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
        rejets = verifier(source(), validateur)
        if rejets:
            return RapportImport(rejets=rejets)
        rapport = RapportImport()
        with moteur_sql.begin() as connexion:
            ecriture = _Ecriture(connexion, colonnes, maintenant)
            ecriture.verrouiller()
            for lot in _par_lots(valides(source(), validateur), TAILLE_LOT):
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
    enregistrements = lire_enregistrements(chemin)
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
        lambda: lignes_du_fichier(chemin, colonnes),
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
