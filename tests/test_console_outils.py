"""Helpers for the console tests (no test here): an application, accounts, a login."""

from __future__ import annotations

import re
from itertools import count

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from assistant import conseillers
from assistant.base import preparer_schema
from assistant.conseillers import Conseiller, creer_conseiller
from assistant.modeles import Conversation
from canaux.application import creer_application
from tests.web import Horloge, parametres_de_test, poster_signe

MOT_DE_PASSE = "un-bon-mot-de-passe"
_SID = count(1)


def hachage_rapide(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with its cheapest parameters: the real ones cost ~0.3 s a hash on a slow runner."""
    rapide = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(conseillers, "_hacheur", rapide)


def client_console(url_base: str, horloge: Horloge | None = None, **autres: str) -> TestClient:
    """The application on a test database, reached over https (the session cookie is Secure)."""
    application = creer_application(
        parametres_de_test(url_base, **autres),
        horloge=horloge or Horloge(),
        expedier_en_fond=False,
    )
    preparer_schema(application.state.relais.moteur_sql)
    return TestClient(application, base_url="https://testserver")


def creer_compte(client: TestClient, identifiant: str, role: str = "conseiller") -> Conseiller:
    with Session(client.app.state.relais.moteur_sql, expire_on_commit=False) as session:
        compte = creer_conseiller(
            session, identifiant, MOT_DE_PASSE, nom=identifiant.title(), role=role
        )
        session.commit()
    return compte


def jeton_du_formulaire(html: str) -> str:
    trouve = re.search(r'name="csrf" value="([^"]+)"', html)
    assert trouve, "aucun jeton CSRF dans la page"
    return trouve.group(1)


def se_connecter(client: TestClient, identifiant: str, mot_de_passe: str = MOT_DE_PASSE):
    """Logs in through the form; returns the response to the POST."""
    formulaire = client.get("/console/connexion")
    return client.post(
        "/console/connexion",
        data={
            "identifiant": identifiant,
            "mot_de_passe": mot_de_passe,
            "csrf": jeton_du_formulaire(formulaire.text),
        },
        follow_redirects=False,
    )


def connecte(client: TestClient, identifiant: str, mot_de_passe: str = MOT_DE_PASSE) -> str:
    """Logged in as `identifiant`; returns the session's CSRF token."""
    reponse = se_connecter(client, identifiant, mot_de_passe)
    assert reponse.status_code == 303, reponse.text
    return jeton_du_formulaire(client.get("/console").text)


def sms(client: TestClient, numero: str, texte: str):
    return poster_signe(
        client, "/canaux/sms", {"From": numero, "Body": texte, "MessageSid": f"SM{next(_SID)}"}
    )


def conversation_de(client: TestClient, numero: str) -> Conversation:
    from assistant.modeles import Personne

    with Session(client.app.state.relais.moteur_sql) as session:
        personne = session.exec(select(Personne).where(Personne.adresse == numero)).one()
        conversation = session.exec(
            select(Conversation)
            .where(Conversation.personne_id == personne.id)
            .order_by(col(Conversation.id).desc())
        ).first()
        assert conversation is not None
        return conversation
