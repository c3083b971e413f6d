"""A database outage loses no message: kept on disk, answered politely, stored once back."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from assistant.modeles import Conversation
from assistant.secours import MessageGarde, Secours
from assistant.transfert import BOT
from canaux.expedition import Expedition
from tests.test_canal_sms import CHEMIN, NUMERO, messages_twiml, sms, stockes
from tests.web import client_de_test, poster_signe

DETRESSE = "je veux mourir je n en peux plus"


@pytest.fixture
def client(url_base: str):
    with client_de_test(url_base) as client:
        yield client


def couper_la_base(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def panne(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connexion refusée"))

    monkeypatch.setattr(client.app.state.relais.service, "_tour_dans", panne)
    monkeypatch.setattr(client.app.state.relais.service, "_reprendre", panne)


def dossier_secours(client: TestClient) -> Path:
    return client.app.state.relais.service.secours.dossier


def test_pendant_une_panne_chaque_message_est_garde_une_fois_et_repris_une_fois(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    service = client.app.state.relais.service
    couper_la_base(client, monkeypatch)
    excuses = messages_twiml(poster_signe(client, CHEMIN, sms("c'est quoi le rsa", "SM1")))
    assert "quelques minutes" in excuses[0]
    poster_signe(client, CHEMIN, sms("c'est quoi le rsa", "SM1"))  # Twilio's retry
    urgence = messages_twiml(poster_signe(client, CHEMIN, sms(DETRESSE, "SM2")))
    assert "3114" in urgence[0]  # the emergency answer needs no database
    fichiers = sorted(dossier_secours(client).glob("*.json"))
    assert len(fichiers) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in fichiers)
    assert all("SM1" not in f.name and NUMERO not in f.name for f in fichiers)
    assert service.reprendre_secours() == 0  # still down: nothing lost, nothing stored
    assert len(list(dossier_secours(client).glob("*.json"))) == 2

    monkeypatch.undo()
    assert service.reprendre_secours() == 2
    assert list(dossier_secours(client).glob("*.json")) == []
    recus = stockes(client)
    assert [(m.texte, m.sens, m.intention) for m in recus] == [
        ("c'est quoi le rsa", "entrant", "info_aide"),
        (DETRESSE, "entrant", "urgence"),
    ]
    with Session(client.app.state.relais.moteur_sql) as session:
        conversation = session.exec(select(Conversation)).one()
    assert conversation.transfert != BOT and conversation.motif_transfert == "urgence"
    # A replay after the outage is recognised: no second copy, no turn.
    poster_signe(client, CHEMIN, sms("c'est quoi le rsa", "SM1"))
    assert len(stockes(client)) == 2
    assert service.reprendre_secours() == 0


def test_un_message_deja_stocke_n_est_pas_repris_deux_fois(client: TestClient):
    messages_twiml(poster_signe(client, CHEMIN, sms("bonjour", "SM7")))
    service = client.app.state.relais.service
    service.secours.garder(
        MessageGarde("sms", NUMERO, "bonjour", "SM7", 0, "2026-11-30T10:00:00+00:00")
    )
    assert service.reprendre_secours() == 1  # the file goes, the message is not stored again
    assert [m.sens for m in stockes(client)] == ["entrant", "sortant"]


def test_un_fichier_illisible_reste_et_les_autres_passent(client: TestClient):
    service = client.app.state.relais.service
    service.secours.garder(MessageGarde("sms", NUMERO, "merci", "SM8", 0, "2026-11-30T10:00:00"))
    abime = dossier_secours(client) / "abime.json"
    abime.write_text("{pas du json", encoding="utf-8")
    assert service.reprendre_secours() == 1
    assert not abime.exists() and abime.with_suffix(".a-voir").exists()  # set aside
    assert [m.texte for m in stockes(client)] == ["merci"]


def test_un_dossier_de_secours_impossible_a_ecrire_ne_casse_pas_la_reponse(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    fichier = tmp_path / "un-fichier"
    fichier.write_text("")
    client.app.state.relais.service.secours = Secours(fichier / "secours", "cle")
    couper_la_base(client, monkeypatch)
    excuses = messages_twiml(poster_signe(client, CHEMIN, sms("bonjour", "SM9")))
    assert "quelques minutes" in excuses[0]


def test_le_travail_de_fond_reprend_le_secours(tmp_path: Path):
    from assistant.base import creer_moteur_sql

    appele = threading.Event()

    def reprise() -> int:
        appele.set()
        return 0

    expedition = Expedition(creer_moteur_sql("sqlite://"), {}, intervalle=0.01, reprise=reprise)
    expedition.start()
    try:
        assert appele.wait(5)
    finally:
        expedition.arreter()


def test_sans_secours_rien_n_est_garde(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    client.app.state.relais.service.secours = None
    couper_la_base(client, monkeypatch)
    assert "quelques minutes" in messages_twiml(poster_signe(client, CHEMIN, sms("bonjour")))[0]
    assert client.app.state.relais.service.reprendre_secours() == 0


def test_les_messages_gardes_sortent_dans_l_ordre_d_arrivee(tmp_path: Path):
    secours = Secours(tmp_path, "cle")
    for sid, heure in (("B", "10:05"), ("A", "10:01"), ("C", "10:03")):
        secours.garder(MessageGarde("sms", NUMERO, sid, sid, 0, f"2026-11-30T{heure}:00+00:00"))
    assert [g.texte for _, g in secours.en_attente()] == ["A", "C", "B"]
    assert not any(tmp_path.glob(".*"))  # no temporary file left behind
