"""The demo data: fictional, covering every status, loadable twice."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.demo import (
    NUMERO_SANS_TELEPHONE,
    TELEPHONE_DEUX_DOSSIERS,
    TELEPHONE_UN_DOSSIER,
    charger_demo,
)
from assistant.dossiers import STATUTS, Dossier, HistoriqueStatut

MAINTENANT = dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.UTC)
NOMS_FICTIFS = ("Exemple", "Fictif", "Imaginaire", "Pseudonyme", "Inventé")


def contenu(moteur_sql: Engine) -> tuple[list[Dossier], int]:
    with Session(moteur_sql) as session:
        tous = list(session.exec(select(Dossier).order_by(Dossier.numero)).all())
        historique = session.exec(select(func.count()).select_from(HistoriqueStatut)).one()
    return tous, historique


def test_la_demo_est_fictive_variee_et_idempotente(moteur_sql: Engine):
    premier = charger_demo(moteur_sql, MAINTENANT)
    dossiers, historique = contenu(moteur_sql)

    assert premier.ajoutes == len(dossiers) >= 25 and historique == len(dossiers)
    assert {d.statut for d in dossiers} == set(STATUTS)
    assert len({d.aide for d in dossiers}) >= 15
    telephones = [d.telephone for d in dossiers if d.telephone]
    assert all(t.startswith("+3363998") and len(t) == 12 for t in telephones)
    assert [d.numero for d in dossiers if d.telephone is None] == [NUMERO_SANS_TELEPHONE]
    par_telephone = Counter(telephones)
    assert par_telephone[TELEPHONE_UN_DOSSIER] == 1
    assert par_telephone[TELEPHONE_DEUX_DOSSIERS] == 2
    deux = [d.aide for d in dossiers if d.telephone == TELEPHONE_DEUX_DOSSIERS]
    assert len(set(deux)) == 2
    assert all(d.nom and d.nom.endswith(NOMS_FICTIFS) for d in dossiers)
    assert all(d.organisme and d.date_naissance and d.date_depot for d in dossiers)
    assert all(d.pieces() for d in dossiers if d.statut == "incomplet")
    for verse in (d for d in dossiers if d.statut == "verse"):
        assert verse.prochain_versement_date == dt.date(2027, 1, 5)
        assert verse.prochain_versement_montant is not None
        assert verse.prochain_versement_montant > Decimal(0)

    second = charger_demo(moteur_sql, MAINTENANT + dt.timedelta(hours=2))

    assert (second.ajoutes, second.modifies, second.inchanges) == (0, 0, len(dossiers))
    apres, historique_apres = contenu(moteur_sql)
    assert [d.model_dump() for d in apres] == [d.model_dump() for d in dossiers]
    assert historique_apres == historique


def test_commande_demo(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    for _ in range(2):
        resultat = subprocess.run(
            [sys.executable, "-m", "canaux.cli", "demo"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert resultat.returncode == 0, resultat.stderr
    assert "0 ajouté(s), 0 mis à jour, 30 inchangé(s)" in resultat.stdout
    assert TELEPHONE_UN_DOSSIER in resultat.stdout
    assert TELEPHONE_DEUX_DOSSIERS in resultat.stdout
