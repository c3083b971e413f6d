"""Outbound messages through the application: outbox -> fake Twilio -> status callback."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from assistant.boite_envoi import Envoi, deposer, expedier
from assistant.modeles import Personne
from canaux.application import expediteurs
from tests.faux_twilio import FauxTwilio
from tests.web import MAINTENANT, client_de_test, poster_signe


def test_un_message_part_par_twilio_et_son_statut_revient(url_base: str):
    with (
        FauxTwilio().en_service() as faux,
        client_de_test(url_base, twilio_api_url=faux.url) as client,
    ):
        ctx = client.app.state.relais
        with Session(ctx.moteur_sql) as session:
            personne = Personne(canal="sms", adresse="+33639980101", telephone="+33639980101")
            session.add(personne)
            session.flush()
            deposer(
                session,
                personne,
                "Votre dossier a été reçu.",
                proactif=False,
                maintenant=MAINTENANT,
            )
            session.commit()
        rapport = expedier(ctx.moteur_sql, expediteurs(ctx.parametres), MAINTENANT)
        assert rapport.envoyes == 1
        (requete,) = faux.requetes
        assert requete["To"] == "+33639980101" and requete["From"] == "+33639989999"
        assert requete["Body"] == "Votre dossier a été recu."  # GSM-7: ç becomes c
        assert requete["StatusCallback"] == "https://relais.example.org/canaux/sms/statut"

        statut = {"MessageSid": faux.sids[0], "MessageStatus": "delivered"}
        faux_statut = {"MessageSid": faux.sids[0], "MessageStatus": "failed"}
        assert (
            poster_signe(client, "/canaux/sms/statut", faux_statut, signature="x").status_code
            == 403
        )
        assert poster_signe(client, "/canaux/sms/statut", statut).status_code == 204
        inconnu = {"MessageSid": "SMinconnu", "MessageStatus": "delivered"}
        assert poster_signe(client, "/canaux/sms/statut", inconnu).status_code == 204
        with Session(ctx.moteur_sql) as session:
            envoi = session.exec(select(Envoi)).one()
        assert (envoi.statut, envoi.id_fournisseur) == ("livre", faux.sids[0])


def test_l_expedition_en_fond_envoie_sans_aide(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.base import preparer_schema
    from canaux.application import creer_application
    from tests.web import parametres_de_test

    with FauxTwilio().en_service() as faux:
        parametres = parametres_de_test(f"sqlite:///{tmp_path / 'e.db'}", twilio_api_url=faux.url)
        application = creer_application(
            parametres, horloge=lambda: dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
        )
        ctx = application.state.relais
        preparer_schema(ctx.moteur_sql)
        with Session(ctx.moteur_sql) as session:
            personne = Personne(canal="whatsapp", adresse="+33639980102")
            session.add(personne)
            session.flush()
            deposer(session, personne, "Bonjour", proactif=False, maintenant=MAINTENANT)
            session.commit()
        with TestClient(application):
            import time

            for _ in range(100):
                if faux.requetes:
                    break
                time.sleep(0.05)
        assert faux.requetes and faux.requetes[0]["To"] == "whatsapp:+33639980102"
