"""`relais contenus verifier` names the file and field of each problem, and exits 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.contenus import DOSSIER_CONTENUS
from assistant.verification import verifier_contenus
from canaux.cli import main


@pytest.fixture
def contenus(tmp_path: Path) -> Path:
    copie = tmp_path / "contenus"
    shutil.copytree(DOSSIER_CONTENUS, copie, ignore=shutil.ignore_patterns("__pycache__"))
    return copie


def test_les_contenus_livres_sont_complets(capsys: pytest.CaptureFixture[str]):
    assert main(["contenus", "verifier"]) == 0
    assert "aucun problème" in capsys.readouterr().out


def test_un_champ_manquant_est_nomme(contenus: Path):
    fichier = contenus / "aides" / "css.yaml"
    lignes = fichier.read_text(encoding="utf-8").splitlines()
    fichier.write_text(
        "\n".join(ligne for ligne in lignes if not ligne.startswith("delai:")), encoding="utf-8"
    )
    assert any(p.startswith("aides/css.yaml: delai:") for p in verifier_contenus(contenus))


def test_un_fichier_absent_est_nomme(contenus: Path):
    (contenus / "aides" / "fsl.yaml").unlink()
    assert "aides/fsl.yaml: -: fichier absent" in verifier_contenus(contenus)


def test_un_gabarit_qui_appelle_un_champ_inconnu_echoue(contenus: Path):
    (contenus / "gabarits" / "sms" / "montant.j2").write_text(
        "{{ aide.inexistant }}", encoding="utf-8"
    )
    problemes = verifier_contenus(contenus)
    assert any("montant: gabarit sms" in p and "inexistant" in p for p in problemes)


def test_un_sms_trop_long_est_signale(contenus: Path):
    (contenus / "gabarits" / "sms" / "pieces.j2").write_text(
        "{% for i in range(60) %}{{ aide.resume }} {% endfor %}", encoding="utf-8"
    )
    problemes = verifier_contenus(contenus)
    assert any("aides/rsa.yaml: pieces: SMS de" in p for p in problemes)
