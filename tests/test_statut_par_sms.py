"""Application status end to end through the SMS webhook (issue: status, identity check)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import Session, select

from assistant.audit import Divulgation, EchecControle
from assistant.dossiers import Dossier
from tests.test_canal_sms import messages_twiml
from tests.web import Horloge, client_de_test, poster_signe

TELEPHONE = "+33639980101"
DEUX_DOSSIERS = "+33639980102"
INCONNU = "+33639980199"
T0 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()


@pytest.fixture
def client(url_base: str, horloge: Horloge):
    with client_de_test(url_base, horloge=horloge) as client:
        with Session(client.app.state.relais.moteur_sql) as session:
            session.add_all(
                [
                    Dossier(
                        numero="1234567",
                        aide="aide_logement",
                        statut="incomplet",
                        telephone=TELEPHONE,
                        date_naissance=dt.date(1985, 3, 12),
                        pieces_manquantes='["Bail signé", "RIB"]',
                    ),
                    Dossier(
                        numero="2345678",
                        aide="rsa",
                        statut="verse",
                        telephone=DEUX_DOSSIERS,
                        date_naissance=dt.date(1970, 1, 2),
                    ),
                    Dossier(
                        numero="3456789",
                        aide="aah",
                        statut="en_commission",
                        telephone=DEUX_DOSSIERS,
                        date_naissance=dt.date(1970, 1, 2),
                    ),
                ]
            )
            session.commit()
        yield client


_sids = itertools.count()


def envoyer(client, texte: str, de: str = TELEPHONE) -> str:
    champs = {"From": de, "MessageSid": f"SM{next(_sids):08d}", "Body": texte}
    return "\n".join(messages_twiml(poster_signe(client, "/canaux/sms", champs)))


def divulgations(client) -> list[Divulgation]:
    with Session(client.app.state.relais.moteur_sql) as session:
        return list(session.exec(select(Divulgation)).all())


def test_le_bon_telephone_recoit_le_statut_tout_de_suite(client):
    reponse = envoyer(client, "ou en est mon dossier apl")
    assert "Il manque des papiers" in reponse
    assert "Bail signé" in reponse and "RIB" in reponse
    assert "CONSEILLER" in reponse
    (trace,) = divulgations(client)
    assert (trace.canal, trace.methode) == ("sms", "telephone")


def test_un_autre_telephone_doit_donner_numero_et_date(client):
    assert "envoyez son numéro" in envoyer(client, "ou en est mon dossier", de=INCONNU).lower()
    assert "date de naissance" in envoyer(client, "1234567", de=INCONNU)
    reponse = envoyer(client, "12 mars 1985", de=INCONNU)
    assert "Il manque des papiers" in reponse
    (trace,) = divulgations(client)
    assert trace.methode == "numero_et_date"


def test_une_mauvaise_date_ne_revele_rien(client):
    envoyer(client, "dossier 1234567", de=INCONNU)
    reponse = envoyer(client, "01/01/1990", de=INCONNU)
    assert "ne correspondent pas" in reponse and "papiers" not in reponse
    assert divulgations(client) == []


def test_meme_reponse_pour_un_numero_inconnu(client):
    a = [envoyer(client, t, de=INCONNU) for t in ("dossier 1234567", "01/01/1990")]
    b = [envoyer(client, t, de="+33639980198") for t in ("dossier 9999999", "01/01/1990")]
    assert a == b


def test_plusieurs_dossiers_on_choisit_par_aide(client):
    reponse = envoyer(client, "mon dossier", de=DEUX_DOSSIERS)
    assert "1 RSA" in reponse and "2 AAH" in reponse
    assert "commission" in envoyer(client, "2", de=DEUX_DOSSIERS)


def test_verrou_apres_trois_echecs_puis_expiration(client, horloge: Horloge):
    for _ in range(3):
        envoyer(client, "dossier 1234567", de=INCONNU)
        reponse = envoyer(client, "01/01/1990", de=INCONNU)
    assert "bloquée 30 minutes" in reponse
    with Session(client.app.state.relais.moteur_sql) as session:
        echecs = session.exec(select(EchecControle)).all()
        assert len(echecs) == 3 and all("1234567" not in e.numero_empreinte for e in echecs)
    # Locked for this number from another phone too.
    assert "bloquée" in envoyer(client, "dossier 1234567 ne le 12/03/1985", de="+33639980197")
    horloge.maintenant = T0 + dt.timedelta(minutes=31)
    reponse = envoyer(client, "dossier 1234567 ne le 12/03/1985", de="+33639980196")
    assert "Il manque des papiers" in reponse


def test_l_alerte_sms_est_enregistree_pour_qui_a_vu_le_dossier(client):
    reponse = envoyer(client, "ou en est mon dossier")
    assert "Voulez-vous un SMS" in reponse
    assert "C'est noté" in envoyer(client, "1")
    with Session(client.app.state.relais.moteur_sql) as session:
        dossier = session.exec(select(Dossier).where(Dossier.numero == "1234567")).one()
    assert dossier.alerte_sms is True
    assert "Voulez-vous un SMS" not in envoyer(client, "ou en est mon dossier")
