"""The simulator's phone call: the voice menu played through the page, keys on a keypad."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from assistant.dossiers import Dossier
from tests.web import client_de_test

NUMERO = "06 39 98 01 01"


def geste(client, nature: str, appel: str = "", valeur: str = "", numero: str = NUMERO):
    return client.post(
        "/simulateur/appel",
        json={"numero": numero, "geste": nature, "appel": appel, "valeur": valeur},
    )


def test_un_appel_simule_suit_le_menu_vocal_jusqu_au_dossier(tmp_path):
    with client_de_test(f"sqlite:///{tmp_path / 'a.db'}") as client:
        with Session(client.app.state.relais.moteur_sql) as session:
            session.add(
                Dossier(
                    numero="1234567",
                    aide="rsa",
                    statut="en_instruction",
                    telephone="+33639980199",
                    date_naissance=dt.date(1985, 3, 12),
                )
            )
            session.commit()
        accueil = geste(client, "decrocher").json()
        assert accueil["fin"] is None and accueil["ecoute"] == "touche"
        texte = " ".join(accueil["phrases"]).lower()
        assert "tapez 1" in texte and "tapez 2" in texte
        appel = accueil["appel"]
        numero = geste(client, "entree", appel, "2").json()
        assert numero["ecoute"] == "numero" and "dièse" in " ".join(numero["phrases"]).lower()
        date = geste(client, "entree", appel, "1234567#").json()
        assert date["ecoute"] == "date"
        statut = geste(client, "entree", appel, "12031985").json()
        assert "en cours d'étude" in " ".join(statut["phrases"])


def test_une_aide_dite_a_voix_haute(tmp_path):
    with client_de_test(f"sqlite:///{tmp_path / 'b.db'}") as client:
        appel = geste(client, "decrocher").json()["appel"]
        reponse = geste(client, "entree", appel, "c'est quoi le RSA").json()
        assert "revenu" in " ".join(reponse["phrases"]).lower()


def test_appel_inconnu_ou_numero_invalide(tmp_path):
    with client_de_test(f"sqlite:///{tmp_path / 'c.db'}") as client:
        assert geste(client, "entree", "inconnu", "1").status_code == 404
        assert geste(client, "decrocher", numero="abc").status_code == 422
