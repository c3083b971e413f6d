"""An import that changes a status sends exactly one SMS to a holder who opted in."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from assistant.boite_envoi import Envoi, expedier
from assistant.dossiers import Dossier
from assistant.import_dossiers import deposer_notifications
from assistant.import_dossiers import importer as importer_fichier
from canaux.application import expediteurs
from tests.faux_twilio import FauxTwilio
from tests.test_canal_sms import messages_twiml
from tests.web import client_de_test, poster_signe

RACINE = Path(__file__).resolve().parent.parent
TELEPHONE = "+33639980101"


def _lundi_a_venir() -> dt.datetime:
    """A Monday, 10h in Paris, at least a day ahead: the import runs as a command, on the
    real clock, and its SMS are due from then, so the sending must come after it."""
    jour = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    jour += dt.timedelta(days=-jour.weekday() % 7)
    return dt.datetime.combine(jour, dt.time(9, 0), tzinfo=dt.UTC)


LUNDI_10H = _lundi_a_venir()
ENTETE = "numero,aide,statut,telephone,date_naissance,nom,pieces_manquantes\n"


def importer(url_base: str, dossier: Path, lignes: str) -> subprocess.CompletedProcess[str]:
    fichier = dossier / "dossiers.csv"
    fichier.write_text(ENTETE + lignes, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "canaux.cli", "dossiers", "importer", str(fichier)],
        capture_output=True,
        text=True,
        cwd=RACINE,
        env={**os.environ, "DATABASE_URL": url_base},
        timeout=120,
    )


def sms(client, texte: str, sid: str) -> str:
    champs = {"From": TELEPHONE, "MessageSid": sid, "Body": texte}
    return "\n".join(messages_twiml(poster_signe(client, "/canaux/sms", champs)))


def test_un_changement_de_statut_envoie_un_seul_sms(url_base: str, tmp_path: Path):
    with (
        FauxTwilio().en_service() as faux,
        client_de_test(url_base, horloge=lambda: LUNDI_10H, twilio_api_url=faux.url) as client,
    ):
        ligne = "1234567,aide_logement,incomplet,06 39 98 01 01,1985-03-12,Camille Exemple,RIB\n"
        assert importer(url_base, tmp_path, ligne).returncode == 0
        assert "Voulez-vous un SMS" in sms(client, "ou en est mon dossier", "SM1")
        sms(client, "1", "SM2")

        autre = "7654321,rsa,en_instruction,06 39 98 01 02,1970-01-01,Dominique Fictif,\n"
        resultat = importer(
            url_base,
            tmp_path,
            "1234567,aide_logement,en_instruction,06 39 98 01 01,1985-03-12,Camille Exemple,\n"
            + autre,
        )
        assert resultat.returncode == 0, resultat.stderr
        assert "1 SMS de changement de statut" in resultat.stdout
        # The same file again: no change, no second notification.
        importer(
            url_base,
            tmp_path,
            "1234567,aide_logement,en_instruction,06 39 98 01 01,1985-03-12,Camille Exemple,\n",
        )

        ctx = client.app.state.relais
        rapport = expedier(ctx.moteur_sql, expediteurs(ctx.parametres), LUNDI_10H)
        assert rapport.envoyes == 1
        (requete,) = faux.requetes
        assert requete["To"] == TELEPHONE
        assert requete["Body"].startswith("Relais : votre dossier APL a changé.")
        assert "en cours d'étude" in requete["Body"]
        with Session(ctx.moteur_sql) as session:
            envois = session.exec(select(Envoi)).all()
            dossier = session.exec(select(Dossier).where(Dossier.numero == "1234567")).one()
        assert len(envois) == 1 and envois[0].proactif
        assert dossier.statut == "en_instruction"


def test_sans_accord_pas_de_sms_et_la_nuit_il_attend(url_base: str, tmp_path: Path):
    with (
        FauxTwilio().en_service() as faux,
        client_de_test(url_base, horloge=lambda: LUNDI_10H, twilio_api_url=faux.url) as client,
    ):
        importer(url_base, tmp_path, "1111111,rsa,recu,06 39 98 01 01,1980-01-01,A B,\n")
        importer(url_base, tmp_path, "2222222,css,recu,06 39 98 01 01,1980-01-01,A B,\n")
        ctx = client.app.state.relais
        with Session(ctx.moteur_sql) as session:
            oui = session.exec(select(Dossier).where(Dossier.numero == "2222222")).one()
            oui.alerte_sms = True
            session.add(oui)
            session.commit()
        importer(url_base, tmp_path, "1111111,rsa,accorde,06 39 98 01 01,1980-01-01,A B,\n")
        importer(url_base, tmp_path, "2222222,css,accorde,06 39 98 01 01,1980-01-01,A B,\n")
        nuit = LUNDI_10H.replace(hour=21, minute=30)  # 22h30 in Paris (23h30 in summer)
        assert expedier(ctx.moteur_sql, expediteurs(ctx.parametres), nuit).reportes == 1
        assert faux.requetes == []
        matin = LUNDI_10H + dt.timedelta(hours=22, minutes=1)  # 8h01 in Paris (9h01)
        assert expedier(ctx.moteur_sql, expediteurs(ctx.parametres), matin).envoyes == 1
        assert len(faux.requetes) == 1 and "santé solidaire" in faux.requetes[0]["Body"]


def test_les_sms_sont_deposes_avec_l_import_ou_pas_du_tout(moteur_sql, tmp_path: Path):
    fichier = tmp_path / "dossiers.csv"
    fichier.write_text(ENTETE + "1111111,rsa,recu,06 39 98 01 01,1980-01-01,A B,\n")
    importer_fichier(fichier, moteur_sql, LUNDI_10H)
    with Session(moteur_sql) as session:
        dossier = session.exec(select(Dossier)).one()
        dossier.alerte_sms = True
        session.add(dossier)
        session.commit()
    fichier.write_text(ENTETE + "1111111,rsa,accorde,06 39 98 01 01,1980-01-01,A B,\n")

    def puis_une_panne(connexion, rapport) -> None:
        deposer_notifications(connexion, rapport)
        raise OperationalError("INSERT", {}, Exception("la base est tombée"))

    with pytest.raises(OperationalError):
        importer_fichier(fichier, moteur_sql, LUNDI_10H, puis_une_panne)
    with Session(moteur_sql) as session:
        assert session.exec(select(Dossier.statut)).one() == "recu"
        assert session.exec(select(Envoi)).all() == []

    rapport = importer_fichier(fichier, moteur_sql, LUNDI_10H, deposer_notifications)
    assert rapport.modifies == 1 and rapport.notifications == 1
    with Session(moteur_sql) as session:
        assert session.exec(select(Dossier.statut)).one() == "accorde"
        (envoi,) = session.exec(select(Envoi)).all()
    assert envoi.proactif and "RSA" in envoi.texte
