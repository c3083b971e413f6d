"""Helpers for HTTP tests: an application on a test database, signed Twilio requests."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from assistant.base import preparer_schema
from assistant.config import Parametres, lire_parametres
from canaux.application import creer_application
from tests.faux_twilio import JETON, SID

URL_PUBLIQUE = "https://relais.example.org"
MAINTENANT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
# Each application's outage folder lives in this one, removed when the tests end: a run
# used to leave about 300 folders in /tmp.
_DOSSIERS_DE_SECOURS = tempfile.TemporaryDirectory(prefix="relais-tests-secours-")


class Horloge:
    """A clock the test moves forward."""

    def __init__(self, depart: dt.datetime = MAINTENANT) -> None:
        self.maintenant = depart

    def __call__(self) -> dt.datetime:
        return self.maintenant

    def avancer(self, **duree: float) -> None:
        self.maintenant += dt.timedelta(**duree)


def parametres_de_test(url_base: str, **autres: str) -> Parametres:
    valeurs = {
        "database_url": url_base,
        "relais_url_publique": URL_PUBLIQUE,
        "twilio_account_sid": SID,
        "twilio_auth_token": JETON,
        "twilio_numero": "+33639989999",
        "relais_secret_key": "cle-de-test",
        "relais_secours": tempfile.mkdtemp(dir=_DOSSIERS_DE_SECOURS.name),
        **autres,
    }
    return lire_parametres(_env_file=None, **valeurs)


def client_de_test(
    url_base: str, horloge: Callable[[], dt.datetime] = lambda: MAINTENANT, **autres: str
) -> TestClient:
    application = creer_application(
        parametres_de_test(url_base, **autres), horloge=horloge, expedier_en_fond=False
    )
    preparer_schema(application.state.relais.moteur_sql)
    return TestClient(application)


def signer(chemin: str, champs: dict[str, str], url_publique: str = URL_PUBLIQUE) -> str:
    return RequestValidator(JETON).compute_signature(url_publique + chemin, champs)


def poster_signe(
    client: TestClient, chemin: str, champs: dict[str, str], signature: str | None = None
):
    signature = signer(chemin, champs) if signature is None else signature
    return client.post(
        chemin,
        content=urlencode(champs),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
