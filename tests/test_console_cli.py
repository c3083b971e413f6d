"""`relais conseillers ajouter` and the demo's agent account, run as a user would."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlmodel import Session, select

from assistant.base import creer_moteur_sql
from assistant.conseillers import Conseiller, authentifier
from tests.test_cli import relais

MAINTENANT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def environnement(dossier: Path, **autres: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RELAIS_MOT_DE_PASSE"}
    return {**env, "DATABASE_URL": f"sqlite:///{dossier / 'relais.db'}", **autres}


def comptes(dossier: Path) -> list[Conseiller]:
    moteur = creer_moteur_sql(f"sqlite:///{dossier / 'relais.db'}")
    try:
        with Session(moteur) as session:
            return list(session.exec(select(Conseiller)).all())
    finally:
        moteur.dispose()


def test_ajouter_un_conseiller_avec_la_variable(tmp_path: Path):
    env = environnement(tmp_path, RELAIS_MOT_DE_PASSE="mot-de-passe-solide")
    resultat = relais(
        "conseillers",
        "ajouter",
        "Alice",
        "--nom",
        "Alice Martin",
        "--role",
        "admin",
        env=env,
        cwd=tmp_path,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "alice" in resultat.stdout
    (compte,) = comptes(tmp_path)
    assert (compte.identifiant, compte.nom, compte.role) == ("alice", "Alice Martin", "admin")
    assert compte.mot_de_passe.startswith("$argon2")
    assert "mot-de-passe-solide" not in compte.mot_de_passe
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    assert authentifier(moteur, "alice", "mot-de-passe-solide", MAINTENANT).id == compte.id
    moteur.dispose()

    doublon = relais("conseillers", "ajouter", "alice", env=env, cwd=tmp_path)
    assert doublon.returncode == 1 and "existe déjà" in doublon.stderr
    assert "Traceback" not in doublon.stderr


def test_ajouter_lit_le_mot_de_passe_demande(tmp_path: Path):
    env = environnement(tmp_path)
    resultat = relais(
        "conseillers", "ajouter", "bruno", entree="mot-de-passe-solide\n" * 2, env=env, cwd=tmp_path
    )
    assert resultat.returncode == 0, resultat.stderr
    assert [c.role for c in comptes(tmp_path)] == ["conseiller"]

    differents = relais(
        "conseillers",
        "ajouter",
        "carla",
        entree="mot-de-passe-1\nautre-chose\n",
        env=env,
        cwd=tmp_path,
    )
    assert differents.returncode == 1 and "diffèrent" in differents.stderr


def test_ajouter_refuse_un_mot_de_passe_court_ou_un_role_inconnu(tmp_path: Path):
    court = relais(
        "conseillers",
        "ajouter",
        "dora",
        env=environnement(tmp_path, RELAIS_MOT_DE_PASSE="court"),
        cwd=tmp_path,
    )
    assert court.returncode == 1 and "10 caractères" in court.stderr
    role = relais(
        "conseillers",
        "ajouter",
        "dora",
        "--role",
        "chef",
        env=environnement(tmp_path, RELAIS_MOT_DE_PASSE="x" * 12),
        cwd=tmp_path,
    )
    assert role.returncode == 2
    assert comptes(tmp_path) == []


def test_la_demo_cree_un_compte_de_console_une_fois(tmp_path: Path):
    env = environnement(tmp_path)
    for _ in range(2):
        resultat = relais("demo", env=env, cwd=tmp_path)
        assert resultat.returncode == 0, resultat.stderr
    assert "demo / demo-relais" in resultat.stdout
    (compte,) = comptes(tmp_path)
    assert (compte.identifiant, compte.role) == ("demo", "admin")
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    assert authentifier(moteur, "demo", "demo-relais", MAINTENANT).identifiant == "demo"
    moteur.dispose()
