"""The SMS/WhatsApp webhook through the real application: signed requests, parsed TwiML."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from assistant.gsm import encodage
from assistant.modeles import Message, Personne
from tests.web import client_de_test, poster_signe, signer

CHEMIN = "/canaux/sms"
NUMERO = "+33639980001"


@pytest.fixture
def client(url_base: str):
    with client_de_test(url_base) as client:
        yield client


def sms(texte: str | None, sid: str = "SM0001", expediteur: str = NUMERO, **autres: str):
    champs = {"From": expediteur, "To": "+33639989999", "MessageSid": sid, **autres}
    if texte is not None:
        champs["Body"] = texte
    return champs


def messages_twiml(reponse) -> list[str]:
    assert reponse.status_code == 200, reponse.text
    assert reponse.headers["content-type"].startswith("application/xml")
    racine = ET.fromstring(reponse.text)
    assert racine.tag == "Response"
    assert all(enfant.tag == "Message" for enfant in racine)
    return [enfant.text or "" for enfant in racine]


def stockes(client: TestClient) -> list[Message]:
    with Session(client.app.state.relais.moteur_sql) as session:
        return list(session.exec(select(Message).order_by(Message.id)).all())


def test_un_sms_signe_recoit_une_reponse_twiml(client: TestClient):
    textes = messages_twiml(poster_signe(client, CHEMIN, sms("c'est quoi le rsa")))
    assert len(textes) == 1 and textes[0].startswith("RSA :")
    assert encodage(textes[0]) == "GSM-7"
    recu, envoye = stockes(client)
    assert (recu.canal, recu.id_externe, recu.aide) == ("sms", "SM0001", "rsa")
    assert envoye.encodage == "GSM-7" and 1 <= envoye.segments <= 3


def test_les_accents_hors_gsm_sont_remplaces(client: TestClient):
    textes = messages_twiml(poster_signe(client, CHEMIN, sms("bonjour")))
    texte = "".join(textes)
    assert "ê" not in texte and "’" not in texte and encodage(texte) == "GSM-7"


@pytest.mark.parametrize(
    "signature",
    ["", "faux", signer("/canaux/sms", sms("autre chose"))],
    ids=["absente", "fausse", "autre-corps"],
)
def test_une_signature_invalide_est_refusee_et_rien_n_est_stocke(client: TestClient, signature):
    reponse = poster_signe(client, CHEMIN, sms("bonjour"), signature=signature)
    assert reponse.status_code == 403
    assert stockes(client) == []


def test_la_signature_porte_sur_l_url_publique(client: TestClient):
    champs = sms("bonjour")
    signature_interne = signer(CHEMIN, champs, url_publique="http://testserver")
    assert poster_signe(client, CHEMIN, champs, signature=signature_interne).status_code == 403
    autre_chemin = signer("/canaux/voix", champs)
    assert poster_signe(client, CHEMIN, champs, signature=autre_chemin).status_code == 403


def test_whatsapp_est_repondu_sur_whatsapp(client: TestClient):
    champs = sms("le rsa", expediteur="whatsapp:+33 6 39 98 00 02", sid="SMwa")
    textes = messages_twiml(poster_signe(client, CHEMIN, champs))
    assert "RSA" in textes[0]
    with Session(client.app.state.relais.moteur_sql) as session:
        personne = session.exec(select(Personne)).one()
    assert (personne.canal, personne.adresse) == ("whatsapp", "+33639980002")


def test_un_numero_francais_est_normalise(client: TestClient):
    poster_signe(client, CHEMIN, sms("bonjour", expediteur="0639980003"))
    with Session(client.app.state.relais.moteur_sql) as session:
        assert session.exec(select(Personne)).one().adresse == "+33639980003"


def test_un_rejeu_rend_le_meme_twiml_sans_second_tour(client: TestClient):
    premier = poster_signe(client, CHEMIN, sms("menu", sid="SMrejeu"))
    second = poster_signe(client, CHEMIN, sms("menu", sid="SMrejeu"))
    assert second.text == premier.text
    assert len([m for m in stockes(client) if m.sens == "entrant"]) == 1


def test_des_rejeux_simultanes_font_un_seul_tour(client: TestClient):
    reponses = []

    def envoyer() -> None:
        reponses.append(poster_signe(client, CHEMIN, sms("le rsa", sid="SMsimultane")))

    fils = [threading.Thread(target=envoyer) for _ in range(5)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert {r.status_code for r in reponses} == {200}
    assert len({r.text for r in reponses}) == 1
    entrants = [m for m in stockes(client) if m.sens == "entrant"]
    assert len(entrants) == 1


@pytest.mark.parametrize(
    ("champs", "attendu"),
    [
        (sms(""), "répondez par un chiffre"),
        (sms(None), "répondez par un chiffre"),
        (sms("", NumMedia="1", MediaUrl0="https://x/y.jpg"), "photos"),
        (sms("😀😀😀"), "pas compris"),
        (sms("rsa " * 2500), "RSA"),
    ],
    ids=["vide", "sans-body", "photo", "emoji", "10000-caracteres"],
)
def test_les_entrees_bizarres_ont_une_reponse_polie(client: TestClient, champs, attendu: str):
    textes = messages_twiml(poster_signe(client, CHEMIN, champs))
    assert attendu.lower() in " ".join(textes).lower().replace("ecrivez", "écrivez")
    assert len([m for m in stockes(client) if m.sens == "entrant"]) == 1


def test_utf8_invalide_est_lu_sans_erreur(client: TestClient):
    corps = "From=%2B33639980001&MessageSid=SMbin&Body=caf%FF%FE+rsa"
    champs = {"From": NUMERO, "MessageSid": "SMbin", "Body": "caf\ufffd\ufffd rsa"}
    reponse = client.post(
        CHEMIN,
        content=corps,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signer(CHEMIN, champs),
        },
    )
    assert messages_twiml(reponse)
    assert stockes(client)[0].texte == "caf\ufffd\ufffd rsa"


@pytest.mark.parametrize("manquant", ["From", "MessageSid"])
def test_un_champ_manquant_donne_400(client: TestClient, manquant: str):
    champs = sms("bonjour")
    del champs[manquant]
    assert poster_signe(client, CHEMIN, champs).status_code == 400
    assert stockes(client) == []


def test_une_base_en_panne_donne_des_excuses_en_twiml(
    client: TestClient, monkeypatch, caplog: pytest.LogCaptureFixture
):
    from sqlalchemy.exc import OperationalError

    def panne(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connexion refusée"))

    monkeypatch.setattr(client.app.state.relais.service, "_tour_dans", panne)
    with caplog.at_level("ERROR", logger="relais.service"):
        textes = messages_twiml(poster_signe(client, CHEMIN, sms("bonjour tout le monde")))
    assert "Réessayez dans quelques minutes" in textes[0].replace("Reessayez", "Réessayez")
    # The operator reads which channel failed, never the message.
    assert "tour en echec (canal=sms)" in caplog.text
    assert "tout le monde" not in caplog.text
    metriques = client.get("/metriques").text
    assert 'relais_erreurs_total{lieu="sms"} 1.0' in metriques
    assert 'relais_messages_total{canal="sms",sens="entrant"}' not in metriques


@pytest.mark.parametrize(
    "textes",
    [(), ("Bonjour",), ("a & b < c > d \"q\" 's' é € 😀\nligne", "deux"), ("]]>", "&amp;")],
)
def test_le_twiml_est_celui_du_constructeur_de_twilio(textes: tuple[str, ...]):
    from twilio.twiml.messaging_response import MessagingResponse

    from assistant.service import Sortie
    from canaux.sms import twiml

    attendu = MessagingResponse()
    for texte in textes:
        attendu.message(texte)
    assert twiml(tuple(Sortie(t) for t in textes)).body.decode() == str(attendu)


@pytest.mark.parametrize(
    "champs",
    [
        {},
        {"Body": "bonjour", "From": "+33612345678", "MessageSid": "SM1"},
        {"Body": "é € 😀 & = + %", "From": "whatsapp:+33612345678", "b": "", "a": "z", "A": "y"},
        {"NumMedia": "0", "Body": "ligne\nautre", "ToCountry": "FR", "SmsSid": "SM2"},
    ],
)
def test_la_signature_est_celle_de_la_bibliotheque_twilio(champs: dict[str, str]):
    from twilio.request_validator import RequestValidator

    from canaux.twilio_signature import signature_twilio

    url = "https://relais.example.org/canaux/sms?x=1"
    assert signature_twilio("jeton-secret", url, champs) == RequestValidator(
        "jeton-secret"
    ).compute_signature(url, champs)


def _formulaires_au_hasard() -> list[bytes]:
    """Forms as a client may send them, well or badly encoded: the characters that mean
    something in a form, percent escapes valid or not, invalid UTF-8, empty names."""
    import random

    hasard = random.Random(8)
    morceaux = ["a", "Body", "é", "€", "😀", "+", "%", "%2", "%zz", "%41", "%C3%A9", "%e9",
                "%ff%fe", "=", "&", "&&", " ", "\n", "From", "\x00"]  # fmt: skip
    formulaires = [b"", b"&", b"=", b"a", b"a=", b"=b", b"a=1&a=2", b"a=b=c", b"\xff\xfe=\xc3"]
    for _ in range(2000):
        texte = "".join(hasard.choice(morceaux) for _ in range(hasard.randint(1, 12)))
        octets = texte.encode()
        if hasard.random() < 0.2:
            octets += bytes([hasard.randint(0x80, 0xFF)])
        formulaires.append(octets)
    return formulaires


def test_le_formulaire_est_lu_comme_le_lit_la_bibliotheque_standard():
    from urllib.parse import parse_qsl, urlencode

    from canaux.twilio_signature import lire_formulaire

    twilio = urlencode({**sms("Bonsoir, c'est 50 % + 2 € ?"), "ToState": "", "NumMedia": "0"})
    for corps in [twilio.encode(), *_formulaires_au_hasard()]:
        attendu = dict(parse_qsl(corps.decode("utf-8", errors="replace"), keep_blank_values=True))
        assert lire_formulaire(corps) == attendu, corps
