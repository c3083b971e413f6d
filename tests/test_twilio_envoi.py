"""ExpediteurTwilio against a fake Twilio REST API: what it sends, how it reads errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from assistant.boite_envoi import EchecEnvoi, Envoi
from canaux.twilio_envoi import ExpediteurTwilio
from tests.faux_twilio import (
    DESABONNE,
    ERREUR_429,
    ERREUR_500,
    JETON,
    NUMERO_INVALIDE,
    SID,
    FauxTwilio,
)

NUMERO = "+33700000001"
DESTINATAIRE = "+33612345678"
URL_STATUT = "https://relais.example/canaux/sms/statut"


@pytest.fixture
def twilio() -> Iterator[FauxTwilio]:
    with FauxTwilio().en_service() as faux:
        yield faux


def envoi(canal: str = "sms", texte: str = "Votre dossier est complet.") -> Envoi:
    return Envoi(personne_id=1, canal=canal, destinataire=DESTINATAIRE, texte=texte)


def test_un_sms_part_vers_l_api_configuree_avec_le_rappel_de_statut(twilio: FauxTwilio):
    expediteur = ExpediteurTwilio(SID, JETON, NUMERO, api_url=twilio.url, url_statut=URL_STATUT)

    sid = expediteur.envoyer(envoi())

    assert twilio.sids == [sid]
    assert sid.startswith("SM")
    assert twilio.requetes == [
        {
            "To": DESTINATAIRE,
            "From": NUMERO,
            "Body": "Votre dossier est complet.",
            "StatusCallback": URL_STATUT,
        }
    ]


def test_sans_url_de_statut_aucun_rappel_n_est_demande(twilio: FauxTwilio):
    ExpediteurTwilio(SID, JETON, NUMERO, api_url=twilio.url + "/").envoyer(envoi())
    assert len(twilio.requetes) == 1
    assert "StatusCallback" not in twilio.requetes[0]


def test_whatsapp_prefixe_le_destinataire_et_l_expediteur(twilio: FauxTwilio):
    expediteur = ExpediteurTwilio(SID, JETON, NUMERO, api_url=twilio.url)
    expediteur.envoyer(envoi("whatsapp", "Réponse d’un conseiller 🙂"))
    expediteur.envoyer(
        Envoi(personne_id=1, canal="whatsapp", destinataire="whatsapp:" + DESTINATAIRE, texte="x")
    )
    premiere, seconde = twilio.requetes
    assert premiere["To"] == seconde["To"] == f"whatsapp:{DESTINATAIRE}"
    assert premiere["From"] == seconde["From"] == f"whatsapp:{NUMERO}"
    assert premiere["Body"] == "Réponse d’un conseiller 🙂"


@pytest.mark.parametrize(
    ("reponse", "raison", "definitif"),
    [
        (ERREUR_500, "Twilio 20500 (HTTP 500)", False),
        (ERREUR_429, "Twilio 20429 (HTTP 429)", False),
        (NUMERO_INVALIDE, "Twilio 21211 (HTTP 400)", True),
        (DESABONNE, "Twilio 21610 (HTTP 400)", True),
    ],
)
def test_les_erreurs_de_l_api_sont_transitoires_ou_definitives(
    twilio: FauxTwilio, reponse: tuple[int, dict[str, object]], raison: str, definitif: bool
):
    twilio.programmer(reponse)
    expediteur = ExpediteurTwilio(SID, JETON, NUMERO, api_url=twilio.url)

    with pytest.raises(EchecEnvoi) as echec:
        expediteur.envoyer(envoi())

    assert (echec.value.raison, echec.value.definitif) == (raison, definitif)
    assert DESTINATAIRE not in echec.value.raison
    assert len(twilio.requetes) == 1
    assert twilio.sids == []


def test_de_mauvais_identifiants_sont_refuses_par_l_api(twilio: FauxTwilio):
    expediteur = ExpediteurTwilio(SID, "mauvais-jeton", NUMERO, api_url=twilio.url)
    with pytest.raises(EchecEnvoi) as echec:
        expediteur.envoyer(envoi())
    assert echec.value.raison == "Twilio 20003 (HTTP 401)"
    assert echec.value.definitif
    assert twilio.refus_authentification == 1
    assert twilio.requetes == []


def test_une_api_injoignable_est_un_echec_transitoire():
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    # Nothing listens on that port any more: the connection is refused.
    expediteur = ExpediteurTwilio(SID, JETON, NUMERO, api_url=f"http://127.0.0.1:{port}")
    with pytest.raises(EchecEnvoi) as echec:
        expediteur.envoyer(envoi())
    assert echec.value.raison == "réseau : ConnectionError"
    assert not echec.value.definitif
