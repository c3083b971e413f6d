"""CSV import of application files at scale: 100,000 rows, time and memory.

Baseline in the same run: reading and validating the file without any database. Then, on
a fresh SQLite file (and on PostgreSQL when RELAIS_TEST_POSTGRES_URL is set, in a schema
of its own), three imports: all rows new, the same file again (all unchanged), and a file
where 10 % of the statuses changed. Each is timed without tracemalloc, then run again on
a fresh database under tracemalloc for its peak. ru_maxrss is the process' high-water mark
so far. Run: `python benchmarks/import_dossiers.py [--lignes N]`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.contenus import charger_taxonomie
from assistant.dossiers import STATUTS
from assistant.import_dossiers import RapportImport, importer
from assistant.lecture_dossiers import COLONNES, Validateur, lignes_du_fichier, verifier

SCHEMA_PG = "relais_bench"
MAINTENANT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def generer_csv(chemin: Path, lignes: int, changes: float = 0.0, graine: int = 3) -> None:
    """`lignes` files; with `changes`, that share of them has another status (same seed)."""
    hasard = random.Random(graine)
    aides = sorted(charger_taxonomie().aides)
    with chemin.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier)
        ecrivain.writerow(COLONNES)
        for i in range(lignes):
            # Every draw is made whatever the status, so both files get the same rows.
            statut, aide = hasard.choice(STATUTS), hasard.choice(aides)
            annee, mois = hasard.randint(40, 99), hasard.randint(1, 12)
            euros, centimes = hasard.randint(50, 1500), hasard.randint(0, 99)
            if changes and i % round(1 / changes) == 0:
                statut = STATUTS[(STATUTS.index(statut) + 1) % len(STATUTS)]
            ecrivain.writerow(
                [
                    f"{1000000 + i}",
                    aide,
                    statut,
                    f"06 39 98 {i // 100 % 100:02d} {i % 100:02d}",
                    f"19{annee}-{mois:02d}-15",
                    f"Personne Fictive {i}",
                    "Avis d'imposition; RIB" if statut == "incomplet" else "",
                    "2026-01-15",
                    "2026-02-20" if statut in ("accorde", "verse", "refuse") else "",
                    "2026-04-05" if statut == "verse" else "",
                    f"{euros},{centimes:02d}" if statut == "verse" else "",
                    "CAF de Test",
                    "",
                ]
            )


def maxrss_mo() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def mesurer(action: Callable[[], Any], tracer: bool) -> tuple[float, float, Any]:
    """(seconds, tracemalloc peak in MiB or 0, result)."""
    if tracer:
        tracemalloc.start()
    debut = time.perf_counter()
    resultat = action()
    duree = time.perf_counter() - debut
    pic = 0.0
    if tracer:
        pic = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return duree, pic, resultat


def valider_seulement(chemin: Path) -> int:
    colonnes = list(COLONNES)
    validateur = Validateur(charger_taxonomie().aides, MAINTENANT.date())
    rejets = verifier(lignes_du_fichier(chemin, colonnes), validateur)
    assert not rejets, rejets[:3]
    return 0


def moteurs(dossier: Path) -> Iterator[tuple[str, Callable[[], Engine]]]:
    compteur = iter(range(100))

    def sqlite() -> Engine:
        return creer_moteur_sql(f"sqlite:///{dossier / f'bench-{next(compteur)}.db'}")

    yield "SQLite", sqlite
    url = os.environ.get("RELAIS_TEST_POSTGRES_URL")
    if url:

        def postgres() -> Engine:
            administration = creer_moteur_sql(url)
            with administration.begin() as connexion:
                connexion.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA_PG} CASCADE"))
                connexion.execute(text(f"CREATE SCHEMA {SCHEMA_PG}"))
            administration.dispose()
            separateur = "&" if "?" in url else "?"
            return creer_moteur_sql(f"{url}{separateur}options=-csearch_path%3D{SCHEMA_PG}")

        yield "PostgreSQL", postgres


def ligne(nom: str, lignes: int, duree: float, pic: float) -> str:
    return (
        f"{nom:<44} {duree:7.2f} s {lignes / duree:9,.0f} lignes/s "
        f"pic tracemalloc {pic:6.1f} Mio  ru_maxrss {maxrss_mo():6.0f} Mio"
    )


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--lignes", type=int, default=100_000)
    n = analyseur.parse_args().lignes

    with tempfile.TemporaryDirectory() as temporaire:
        dossier = Path(temporaire)
        initial, modifie = dossier / "dossiers.csv", dossier / "dossiers-10pc.csv"
        generer_csv(initial, n)
        generer_csv(modifie, n, changes=0.10)
        taille = initial.stat().st_size / 2**20
        print(f"{n:,} lignes, {taille:.1f} Mio ; ru_maxrss au départ {maxrss_mo():.0f} Mio")

        duree, _, _ = mesurer(lambda: valider_seulement(initial), tracer=False)
        _, pic, _ = mesurer(lambda: valider_seulement(initial), tracer=True)
        print(ligne("référence : lecture + validation, sans base", n, duree, pic))

        etapes = [
            ("import, tout nouveau", initial),
            ("même fichier, tout inchangé", initial),
            ("10 % de statuts changés", modifie),
        ]
        for nom_base, fabrique in moteurs(dossier):
            durees: list[tuple[float, RapportImport]] = []
            for tracer in (False, True):
                moteur = fabrique()
                preparer_schema(moteur)
                for i, (_, fichier) in enumerate(etapes):
                    duree, pic, rapport = mesurer(
                        partial(importer, fichier, moteur, MAINTENANT), tracer
                    )
                    assert rapport.accepte, rapport.lignes()[:3]
                    if not tracer:
                        durees.append((duree, rapport))
                        continue
                    duree_libre, rapport_libre = durees[i]
                    compte = (
                        f"+{rapport_libre.ajoutes} ~{rapport_libre.modifies} "
                        f"={rapport_libre.inchanges}, {len(rapport_libre.changements_statut)} "
                        "changements de statut"
                    )
                    print(ligne(f"{nom_base} : {etapes[i][0]}", n, duree_libre, pic))
                    print(f"{'':<44} ({compte} ; {duree:.2f} s sous tracemalloc)")
                moteur.dispose()


if __name__ == "__main__":
    main()
