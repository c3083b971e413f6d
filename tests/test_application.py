"""The web application: probes, metrics, settings, simulator."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from assistant.config import lire_parametres
from assistant.erreurs import ConfigurationInvalide
from canaux.application import SEUIL_JEUNES, creer_application
from tests.web import client_de_test, parametres_de_test, poster_signe


def test_sante_ok(url_base: str):
    with client_de_test(url_base) as client:
        reponse = client.get("/sante")
    assert reponse.status_code == 200
    assert reponse.json() == {"statut": "ok", "base": "ok"}


def test_sante_503_quand_la_base_est_injoignable():
    parametres = parametres_de_test("postgresql://personne@127.0.0.1:1/rien")
    with TestClient(creer_application(parametres)) as client:
        reponse = client.get("/sante")
    assert reponse.status_code == 503
    assert reponse.json()["statut"] == "indisponible"


def test_ce_qui_est_construit_au_demarrage_echappe_au_ramasse_miettes(tmp_path):
    """Built once for the process's life, it is kept out of full collections while the
    application runs, and handed back to the collector when it stops; young collections
    are rarer meanwhile."""

    avant = gc.get_threshold()
    with client_de_test(f"sqlite:///{tmp_path / 'g.db'}") as client:
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == SEUIL_JEUNES != avant[0]
        assert client.get("/sante").status_code == 200
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == avant


def test_metriques_comptent_messages_intentions_segments(tmp_path):
    with client_de_test(f"sqlite:///{tmp_path / 'm.db'}") as client:
        for numero, texte in enumerate(["le rsa", "menu", "le rsa"]):
            champs = {"From": "+33639980001", "MessageSid": f"SM{numero}", "Body": texte}
            assert poster_signe(client, "/canaux/sms", champs).status_code == 200
        poster_signe(client, "/canaux/sms", {"From": "+33639980001", "MessageSid": "SM0"})
        texte = client.get("/metriques").text
    assert 'relais_messages_total{canal="sms",sens="entrant"} 3.0' in texte
    assert 'relais_intentions_total{intention="info_aide"} 2.0' in texte
    assert 'relais_rejeux_total{canal="sms"} 1.0' in texte
    assert "relais_segments_sms_count 3.0" in texte
    assert 'relais_latence_secondes_count{canal="sms"} 3.0' in texte


@pytest.mark.parametrize(
    ("variables", "nommee"),
    [
        ({"TWILIO_ACCOUNT_SID": "AC1", "RELAIS_URL_PUBLIQUE": "https://x"}, "TWILIO_AUTH_TOKEN"),
        ({"RELAIS_CANAUX": "sms", "TWILIO_AUTH_TOKEN": "t"}, "RELAIS_URL_PUBLIQUE"),
        ({"DATABASE_URL": "oracle://x"}, "DATABASE_URL"),
        ({"TWILIO_API_URL": "ftp://x"}, "TWILIO_API_URL"),
        ({"RELAIS_HORAIRES_CONSEILLERS": "lundi 9h-12h"}, "RELAIS_HORAIRES_CONSEILLERS"),
        ({"RELAIS_CANAUX": "sms,fax"}, "RELAIS_CANAUX"),
        ({"RELAIS_CANAUX": "telegram"}, "TELEGRAM_BOT_TOKEN"),
        (
            {
                "TELEGRAM_BOT_TOKEN": "1:a",
                "RELAIS_URL_PUBLIQUE": "https://x",
                "RELAIS_CANAUX": "telegram",
            },
            "TELEGRAM_SECRET",
        ),
    ],
)
def test_une_configuration_incomplete_est_nommee(monkeypatch, variables, nommee):
    for nom in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_NUMERO",
        "RELAIS_CANAUX",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_SECRET",
        "RELAIS_URL_PUBLIQUE",
    ):
        monkeypatch.delenv(nom, raising=False)
    for nom, valeur in variables.items():
        monkeypatch.setenv(nom, valeur)
    with pytest.raises(ConfigurationInvalide) as erreur:
        lire_parametres(_env_file=None)
    assert nommee in str(erreur.value)


def test_serve_refuse_de_demarrer_avec_une_phrase(tmp_path):
    env = {**os.environ, "TWILIO_ACCOUNT_SID": "AC1", "RELAIS_URL_PUBLIQUE": "https://x"}
    env.pop("TWILIO_AUTH_TOKEN", None)
    resultat = subprocess.run(
        [sys.executable, "-m", "canaux.cli", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert resultat.returncode == 1
    assert resultat.stderr.strip().count("\n") == 0
    assert "TWILIO_AUTH_TOKEN" in resultat.stderr and "Traceback" not in resultat.stderr


def test_sans_canal_sms_le_webhook_n_existe_pas(tmp_path, monkeypatch):
    parametres = parametres_de_test(f"sqlite:///{tmp_path / 'x.db'}", relais_canaux="voix")
    with TestClient(creer_application(parametres)) as client:
        assert client.post("/canaux/sms", content="From=x").status_code == 404


def test_le_simulateur_passe_par_le_meme_service(url_base: str):
    with client_de_test(url_base) as client:
        page = client.get("/simulateur")
        assert page.status_code == 200 and "simulateur" in page.text.lower()
        premiere = client.post(
            "/simulateur/message", json={"numero": "06 39 98 01 01", "texte": "le rsa"}
        )
        suite = client.post(
            "/simulateur/message", json={"numero": "06 39 98 01 01", "texte": "et combien ?"}
        )
        invalide = client.post("/simulateur/message", json={"numero": "abc", "texte": "x"})
    assert premiere.status_code == 200
    assert premiere.json()["reponses"][0]["texte"].startswith("RSA :")
    reponse = suite.json()["reponses"][0]
    assert "646,52" in reponse["texte"]
    assert reponse["encodage"] in ("GSM-7", "UCS-2") and reponse["segments"] >= 1
    assert invalide.status_code == 422 and "numéro" in invalide.json()["erreur"]
