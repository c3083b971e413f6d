"""The `relais` command line, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def relais(*args: str, entree: str = "", env: dict[str, str] | None = None, cwd: Path = RACINE):
    return subprocess.run(
        [sys.executable, "-m", "canaux.cli", *args],
        input=entree,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_comprendre_imprime_un_objet_json():
    resultat = relais("comprendre", "c'est quoi le rsa")
    assert resultat.returncode == 0, resultat.stderr
    objet = json.loads(resultat.stdout)
    assert objet["intention"] == "info_aide" and objet["aide"] == "rsa"
    assert 0 <= objet["confiance"] <= 1


def test_comprendre_jsonl_garde_l_ordre():
    lignes = [{"texte": "stop", "autre": 1}, {"texte": "c'est quoi le rsa"}, {"texte": "bonjour"}]
    entree = "\n".join(json.dumps(ligne) for ligne in lignes)
    resultat = relais("comprendre", "--jsonl", entree=entree)
    sorties = [json.loads(ligne) for ligne in resultat.stdout.splitlines()]
    assert [s["intention"] for s in sorties] == ["stop", "info_aide", "salutation"]


def test_comprendre_jsonl_ligne_invalide_message_clair():
    resultat = relais("comprendre", "--jsonl", entree="pas du json\n")
    assert resultat.returncode == 1
    assert "ligne 1" in resultat.stderr and "Traceback" not in resultat.stderr


def test_chat_lit_une_conversation_sur_l_entree(tmp_path: Path):
    import os

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    resultat = relais(
        "chat", "--canal", "sms", entree="bonjour\nle rsa\net combien ?\n", env=env, cwd=tmp_path
    )
    assert resultat.returncode == 0, resultat.stderr
    sortie = resultat.stdout
    assert "vous> et combien ?" in sortie
    assert "646,52" in sortie
    assert "[GSM-7, 1 segment(s)]" in sortie or "[GSM-7, 2 segment(s)]" in sortie


def test_chat_voix_rend_pour_l_oreille(tmp_path: Path):
    import os

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    resultat = relais("chat", "--canal", "voix", entree="combien le rsa\n", env=env, cwd=tmp_path)
    assert "646 euros 52" in resultat.stdout and "tapez" in resultat.stdout


def test_une_mauvaise_configuration_est_une_phrase(tmp_path: Path):
    import os

    env = {**os.environ, "DATABASE_URL": "mysql://x"}
    resultat = relais("base", "preparer", env=env, cwd=tmp_path)
    assert resultat.returncode == 1
    assert "DATABASE_URL" in resultat.stderr and "Traceback" not in resultat.stderr


def test_evaluer_finit_par_une_ligne_json(tmp_path: Path):
    fichier = tmp_path / "petit.jsonl"
    fichier.write_text(
        '{"texte": "stop", "intention": "stop", "aide": null}\n'
        '{"texte": "le rsa c est quoi", "intention": "info_aide", "aide": "rsa"}\n',
        encoding="utf-8",
    )
    resultat = relais("evaluer", str(fichier))
    assert resultat.returncode == 0, resultat.stderr
    figures = json.loads(resultat.stdout.strip().splitlines()[-1])
    assert figures["intention"] == 1.0 and figures["total"] == 2
