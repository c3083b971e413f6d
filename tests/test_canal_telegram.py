"""The Telegram channel against a fake Bot API on 127.0.0.1: what the bot sent, what was stored.

Webhook tests go through the real application (SQLite, then PostgreSQL); start-up, polling
and the outbox's sender are tested on their own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.base import preparer_schema
from assistant.boite_envoi import ECHEC, EN_ATTENTE, ENVOYE, EchecEnvoi, Envoi, deposer, expedier
from assistant.contenus import Catalogue
from assistant.dossiers import Dossier
from assistant.erreurs import ConfigurationInvalide
from assistant.modeles import Conversation, Message, Personne
from assistant.moteur import Moteur
from assistant.reponse import Choix
from assistant.service import ServiceDialogue
from canaux import telegram
from canaux.application import creer_application
from canaux.telegram import CHEMIN, ENTETE_SECRET, MISES_A_JOUR, demarrer_telegram
from canaux.telegram_adaptateur import PREFIXE_RANG, clavier_de_choix, texte_pour_le_moteur
from canaux.telegram_envoi import ExpediteurTelegram, decouper, longueur
from tests.faux_telegram import BLOQUE, INTROUVABLE, JETON, PANNE, FauxTelegram, trop_de_requetes
from tests.web import MAINTENANT, URL_PUBLIQUE, parametres_de_test

SECRET = "secret-de-test_42"
CHAT = 5550001
NUMERO = "+33639980001"
MENU = ["menu:aide", "menu:dossier", "menu:orientation", "menu:conseiller"]
_numeros = itertools.count(1000)


# --- the fake API, the application, updates --------------------------------------------


@pytest.fixture
def faux() -> Iterator[FauxTelegram]:
    with FauxTelegram().en_service() as serveur:
        yield serveur


def parametres_telegram(url_base: str, faux: FauxTelegram, **autres: str):
    valeurs = {
        "telegram_bot_token": JETON,
        "telegram_secret": SECRET,
        "telegram_api_url": faux.url,
        **autres,
    }
    return parametres_de_test(url_base, **valeurs)


def application(url_base: str, faux: FauxTelegram):
    # No background outbox worker: the tests run the outbox themselves.
    app = creer_application(
        parametres_telegram(url_base, faux), horloge=lambda: MAINTENANT, expedier_en_fond=False
    )
    app.include_router(telegram.routeur)
    preparer_schema(app.state.relais.moteur_sql)
    return app


@pytest.fixture
def client(url_base: str, faux: FauxTelegram) -> Iterator[TestClient]:
    with TestClient(application(url_base, faux)) as client:
        yield client


@pytest.fixture
def phrases(catalogue: Catalogue) -> dict[str, Any]:
    return catalogue.phrases["telegram"]


def message(
    texte: str | None = None,
    *,
    update_id: int | None = None,
    chat: int = CHAT,
    type_chat: str = "private",
    de: int = CHAT,
    **contenu: Any,
) -> dict[str, Any]:
    corps: dict[str, Any] = {
        "message_id": next(_numeros),
        "date": 1764496800,
        "chat": {"id": chat, "type": type_chat},
        "from": {"id": de, "is_bot": False, "first_name": "Awa"},
        **contenu,
    }
    if texte is not None:
        corps["text"] = texte
        if texte.startswith("/"):
            longueur_commande = len(texte.split()[0])
            corps["entities"] = [{"type": "bot_command", "offset": 0, "length": longueur_commande}]
    return {"update_id": update_id or next(_numeros), "message": corps}


def bouton(donnee: str, update_id: int | None = None) -> dict[str, Any]:
    return {
        "update_id": update_id or next(_numeros),
        "callback_query": {
            "id": "requete-1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Awa"},
            "chat_instance": "instance-1",
            "data": donnee,
            "message": {
                "message_id": 7,
                "date": 1764496800,
                "chat": {"id": CHAT, "type": "private"},
                "text": "menu",
            },
        },
    }


def poster(client: TestClient, update: dict[str, Any], secret: str | None = SECRET):
    entetes = {} if secret is None else {ENTETE_SECRET: secret}
    reponse = client.post(CHEMIN, json=update, headers=entetes)
    return reponse


def envoyer(client: TestClient, update: dict[str, Any]) -> None:
    reponse = poster(client, update)
    assert reponse.status_code == 200, reponse.text


def boutons(envoi: dict[str, Any]) -> list[str]:
    return [ligne[0]["callback_data"] for ligne in envoi["reply_markup"]["inline_keyboard"]]


def stockes(moteur_sql: Engine) -> list[Message]:
    with Session(moteur_sql) as session:
        return list(session.exec(select(Message).order_by(col(Message.id))).all())


def entrants(client: TestClient) -> list[Message]:
    return [m for m in stockes(client.app.state.relais.moteur_sql) if m.sens == "entrant"]


def personne(moteur_sql: Engine, adresse: str = str(CHAT)) -> Personne | None:
    with Session(moteur_sql) as session:
        return session.exec(
            select(Personne).where(Personne.canal == "telegram", Personne.adresse == adresse)
        ).first()


def moteur_de(client: TestClient) -> Engine:
    return client.app.state.relais.moteur_sql


# --- text, buttons, commands ----------------------------------------------------------------


def test_un_message_devient_un_tour_et_la_reponse_un_sendmessage(
    client: TestClient, faux: FauxTelegram
):
    envoyer(client, message("c'est quoi le rsa", update_id=101))

    (envoi,) = faux.envoyes
    assert envoi["chat_id"] == str(CHAT)
    assert envoi["text"].startswith("Revenu de solidarité active (RSA)")
    assert "parse_mode" not in envoi
    # The choices are buttons, not numbered lines of the text.
    assert boutons(envoi) == [
        "intention:eligibilite",
        "intention:montant",
        "intention:demarche",
        "intention:pieces",
    ]
    assert envoi["reply_markup"]["inline_keyboard"][0][0]["text"] == "1. Qui y a droit"
    assert "1 Qui y a droit" not in envoi["text"]
    recu, reponse = stockes(moteur_de(client))
    assert (recu.canal, recu.id_externe, recu.texte, recu.aide) == (
        "telegram",
        "101",
        "c'est quoi le rsa",
        "rsa",
    )
    assert reponse.sens == "sortant" and reponse.reponse_a == recu.id
    assert personne(moteur_de(client)) is not None


def test_un_bouton_est_acquitte_et_sa_valeur_va_au_moteur(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue
):
    envoyer(client, message("/menu"))
    envoyer(client, bouton("menu:aide", update_id=202))

    assert faux.appels_de("answerCallbackQuery") == [{"callback_query_id": "requete-1"}]
    menu, reponse = faux.envoyes
    assert boutons(menu) == MENU
    assert reponse["text"] == catalogue.phrases["quelle_aide"]
    assert boutons(reponse)[:2] == ["aide:rsa", "aide:aide_logement"]
    recu = entrants(client)[-1]
    assert (recu.id_externe, recu.texte) == ("202", "")


def test_taper_le_numero_d_un_bouton_marche_aussi(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue
):
    envoyer(client, message("/menu"))
    envoyer(client, message("1"))
    assert faux.envoyes[-1]["text"] == catalogue.phrases["quelle_aide"]


def test_un_bouton_trop_long_envoie_son_rang(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue
):
    clavier = clavier_de_choix((Choix("court", "A"), Choix("x" * 65, "B")))
    assert clavier is not None
    donnees = [ligne[0].callback_data for ligne in clavier.inline_keyboard]
    assert donnees == ["court", f"{PREFIXE_RANG}2"]

    envoyer(client, message("/menu"))
    envoyer(client, bouton(f"{PREFIXE_RANG}1"))
    assert faux.envoyes[-1]["text"] == catalogue.phrases["quelle_aide"]


@pytest.mark.parametrize("commande", ["/start", "/menu", "/start@RelaisBot", "/START lien"])
def test_start_et_menu_donnent_le_menu(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue, commande: str
):
    envoyer(client, message(commande))
    (envoi,) = faux.envoyes
    assert envoi["text"].endswith(catalogue.phrases["menu_intro"])
    assert boutons(envoi) == MENU
    attendu = "menu" if commande.lower().startswith("/menu") else "START"
    assert entrants(client)[0].texte == attendu


def test_start_apres_stop_reabonne(client: TestClient, faux: FauxTelegram, catalogue: Catalogue):
    envoyer(client, message("/stop"))
    envoyer(client, message("/start"))
    assert faux.envoyes[-1]["text"].startswith(catalogue.phrases["start"][:20])


def test_conseiller_transmet_la_conversation(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue
):
    envoyer(client, message("/conseiller"))
    assert faux.envoyes[0]["text"].startswith(catalogue.phrases["conseiller_demande"])
    with Session(moteur_de(client)) as session:
        assert session.exec(select(Conversation)).one().transfert == "attente"


def test_stop_desabonne(client: TestClient, faux: FauxTelegram, catalogue: Catalogue):
    envoyer(client, message("/stop"))
    assert faux.envoyes[0]["text"] == catalogue.phrases["stop"]
    assert entrants(client)[0].texte == "STOP"
    cible = personne(moteur_de(client))
    assert cible is not None and cible.desabonne


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [("/aide rsa", "aide rsa"), ("/", ""), ("bonjour /menu", "bonjour /menu")],
)
def test_une_commande_inconnue_se_lit_comme_des_mots(texte: str, attendu: str):
    assert texte_pour_le_moteur(texte) == attendu


# --- what is not text -------------------------------------------------------------------------

PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}
DOCUMENT = {"document": {"file_id": "d1", "file_unique_id": "u2", "file_name": "avis.pdf"}}
VOCAL = {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 4}}
NOTE_VIDEO = {"video_note": {"file_id": "n1", "file_unique_id": "u4", "length": 240, "duration": 3}}
AUTOCOLLANT = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u5",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
}
POSITION = {"location": {"latitude": 48.85, "longitude": 2.35}}


@pytest.mark.parametrize("contenu", [PHOTO, DOCUMENT], ids=["photo", "document"])
def test_un_fichier_va_au_moteur_qui_dit_ne_pas_pouvoir_le_lire(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue, contenu: dict[str, Any]
):
    envoyer(client, message(**contenu))
    (envoi,) = faux.envoyes
    assert envoi["text"] == catalogue.phrases["piece_jointe"]
    (recu,) = entrants(client)
    assert recu.intention == "piece_jointe"


def test_la_legende_d_une_photo_est_lue(client: TestClient, faux: FauxTelegram):
    envoyer(client, message(caption="c'est quoi le rsa", **PHOTO))
    (envoi,) = faux.envoyes
    assert "RSA" in envoi["text"] and "photos" in envoi["text"]


@pytest.mark.parametrize(
    ("contenu", "cle"),
    [
        (VOCAL, "vocal"),
        (NOTE_VIDEO, "vocal"),
        (AUTOCOLLANT, "non_texte"),
        (POSITION, "position"),
        ({"dice": {"emoji": "🎲", "value": 3}}, "non_texte"),
    ],
    ids=["vocal", "note-video", "autocollant", "position", "de"],
)
def test_ce_qui_ne_se_lit_pas_recoit_une_phrase_polie(
    client: TestClient,
    faux: FauxTelegram,
    phrases: dict[str, Any],
    contenu: dict[str, Any],
    cle: str,
):
    envoyer(client, message(**contenu))
    assert [e["text"] for e in faux.envoyes] == [phrases[cle]]
    assert stockes(moteur_de(client)) == []


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 301, "edited_message": message("c'est quoi le rsa")["message"]},
        message("bonjour", chat=-100123, type_chat="supergroup"),
        message("c'est quoi le rsa", chat=-4567, type_chat="group"),
        {
            "update_id": 302,
            "channel_post": {
                "message_id": 1,
                "date": 1764496800,
                "chat": {"id": -100999, "type": "channel", "title": "Infos"},
                "text": "menu",
            },
        },
        {"update_id": 303},
    ],
    ids=["message-modifie", "supergroupe", "groupe", "canal", "vide"],
)
def test_ce_qui_ne_nous_est_pas_adresse_est_ignore_en_silence(
    client: TestClient, faux: FauxTelegram, update: dict[str, Any]
):
    envoyer(client, update)
    assert faux.envoyes == []
    assert stockes(moteur_de(client)) == []


def test_une_commande_dans_un_groupe_recoit_la_phrase_des_groupes(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any]
):
    envoyer(client, message("/start@RelaisBot", chat=-4567, type_chat="group"))
    (envoi,) = faux.envoyes
    assert (envoi["chat_id"], envoi["text"]) == ("-4567", phrases["groupe"])
    assert stockes(moteur_de(client)) == []


# --- the phone, by Telegram's contact button ------------------------------------------------


def contact(user_id: int | None, telephone: str = "33639980001") -> dict[str, Any]:
    carte: dict[str, Any] = {"phone_number": telephone, "first_name": "Awa"}
    if user_id is not None:
        carte["user_id"] = user_id
    return {"contact": carte}


def test_le_statut_demande_le_numero_avec_le_bouton_contact(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any]
):
    envoyer(client, message("où en est mon dossier"))
    dernier = faux.envoyes[-1]
    assert dernier["text"].endswith(phrases["contact_demande"])
    assert dernier["reply_markup"] == {
        "keyboard": [[{"text": phrases["contact_bouton"], "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }


def test_son_propre_contact_lie_le_telephone_et_poursuit_le_statut(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any]
):
    with Session(moteur_de(client)) as session:
        session.add(Dossier(numero="2025000123", aide="rsa", statut="recu", telephone=NUMERO))
        session.commit()

    envoyer(client, message(update_id=401, **contact(CHAT)))

    cible = personne(moteur_de(client))
    assert cible is not None and cible.telephone == NUMERO
    merci, statut = faux.envoyes
    assert merci["text"] == phrases["contact_merci"]
    assert merci["reply_markup"] == {"remove_keyboard": True}
    assert "123" in statut["text"] and "RSA" in statut["text"]
    assert phrases["contact_demande"] not in statut["text"]
    assert "keyboard" not in statut.get("reply_markup", {})
    (recu,) = entrants(client)
    assert (recu.texte, recu.intention, recu.id_externe) == (
        "ou en est mon dossier",
        "statut_dossier",
        "401",
    )


@pytest.mark.parametrize("auteur", [777, None], ids=["autre-personne", "hors-telegram"])
def test_le_contact_d_un_autre_est_refuse(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any], auteur: int | None
):
    envoyer(client, message(**contact(auteur)))
    (envoi,) = faux.envoyes
    assert envoi["text"] == phrases["contact_autre"]
    assert envoi["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert personne(moteur_de(client)) is None
    assert stockes(moteur_de(client)) == []


def test_un_numero_illisible_n_est_pas_lie(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any]
):
    envoyer(client, message(**contact(CHAT, telephone="12")))
    (envoi,) = faux.envoyes
    assert envoi["text"] == phrases["contact_invalide"]
    assert envoi["reply_markup"] == {"remove_keyboard": True}
    assert personne(moteur_de(client)) is None


def test_une_fois_le_telephone_lie_le_bouton_n_est_plus_propose(
    client: TestClient, faux: FauxTelegram, phrases: dict[str, Any]
):
    client.app.state.relais.service.lier_telephone("telegram", str(CHAT), NUMERO)
    envoyer(client, message("où en est mon dossier"))
    assert all(phrases["contact_demande"] not in e["text"] for e in faux.envoyes)
    assert all("keyboard" not in e.get("reply_markup", {}) for e in faux.envoyes)


# --- webhook security, replays, long replies, failures -------------------------------------


@pytest.mark.parametrize("secret", [None, "", "mauvais-secret"], ids=["absent", "vide", "faux"])
def test_sans_le_bon_secret_le_webhook_refuse_et_ne_stocke_rien(
    client: TestClient, faux: FauxTelegram, secret: str | None
):
    reponse = poster(client, message("bonjour"), secret=secret)
    assert reponse.status_code == 403
    assert stockes(moteur_de(client)) == []
    assert faux.envoyes == []


def test_un_corps_illisible_donne_400(client: TestClient, faux: FauxTelegram):
    reponse = client.post(CHEMIN, content=b"pas du json", headers={ENTETE_SECRET: SECRET})
    assert reponse.status_code == 400
    assert poster(client, {"sans": "update_id"}).status_code == 400
    assert stockes(moteur_de(client)) == [] and faux.envoyes == []


def test_un_update_rejoue_ne_fait_ni_second_tour_ni_second_message(
    client: TestClient, faux: FauxTelegram, url_base: str
):
    update = message("c'est quoi le rsa", update_id=501)
    envoyer(client, update)
    envoyer(client, update)
    envoyer(client, bouton("intention:montant", update_id=502))
    envoyer(client, bouton("intention:montant", update_id=502))
    # Another worker of the same application, on the same database.
    with TestClient(application(url_base, faux)) as autre:
        envoyer(autre, update)
        envoyer(autre, bouton("intention:montant", update_id=502))

    assert len(faux.envoyes) == 2
    assert [m.id_externe for m in entrants(client)] == ["501", "502"]


def test_une_reponse_trop_longue_est_coupee_entre_les_paragraphes(
    client: TestClient, faux: FauxTelegram
):
    paragraphes = ["A" * 2000, "B" * 2000, "C" * 1500]
    client.app.state.relais.service.moteur.catalogue.phrases["menu_intro"] = "\n\n".join(
        paragraphes
    )
    envoyer(client, message("/menu"))

    premier, second = faux.envoyes
    assert premier["text"] == f"{paragraphes[0]}\n\n{paragraphes[1]}"
    assert second["text"] == paragraphes[2]
    assert "reply_markup" not in premier
    assert boutons(second) == MENU


def test_decouper_respecte_les_unites_utf16_et_coupe_au_mieux():
    assert decouper("court") == ["court"]
    emojis = decouper("😀" * 3000)
    assert [longueur(m) for m in emojis] == [4096, 1904]
    lignes = decouper("\n".join(["x" * 3000, "y" * 3000]))
    assert lignes == ["x" * 3000, "y" * 3000]
    mots = decouper(" ".join(["mot"] * 2000))
    assert all(longueur(m) <= 4096 for m in mots) and len(mots) == 2
    assert " ".join(mots) == " ".join(["mot"] * 2000)


def test_un_429_sur_la_reponse_la_confie_a_la_boite_d_envoi(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue
):
    faux.programmer("sendMessage", trop_de_requetes(3))
    envoyer(client, message("/menu"))

    moteur_sql = moteur_de(client)
    with Session(moteur_sql) as session:
        (envoi,) = session.exec(select(Envoi)).all()
    assert (envoi.canal, envoi.destinataire, envoi.statut) == ("telegram", str(CHAT), EN_ATTENTE)
    # No buttons from the outbox: the choices are numbered in the text.
    assert envoi.texte.startswith(catalogue.phrases["menu_intro"])
    assert "1 Une aide" in envoi.texte

    expediteur = ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url)
    rapport = expedier(moteur_sql, {"telegram": expediteur}, MAINTENANT)
    assert rapport.envoyes == 1
    assert faux.envoyes[-1] == {"chat_id": str(CHAT), "text": envoi.texte}


def test_un_bot_bloque_marque_la_personne_injoignable(client: TestClient, faux: FauxTelegram):
    envoyer(client, message("bonjour"))
    faux.programmer("sendMessage", BLOQUE)
    envoyer(client, message("c'est quoi le rsa"))

    cible = personne(moteur_de(client))
    assert cible is not None and cible.injoignable
    with Session(moteur_de(client)) as session:
        assert session.exec(select(Envoi)).all() == []


def test_bloquer_puis_debloquer_le_bot_est_suivi(client: TestClient):
    envoyer(client, message("bonjour"))

    def changement(statut: str) -> dict[str, Any]:
        utilisateur = {"id": CHAT, "is_bot": False, "first_name": "Awa"}
        robot = {"id": 42, "is_bot": True, "first_name": "Relais"}
        return {
            "update_id": next(_numeros),
            "my_chat_member": {
                "chat": {"id": CHAT, "type": "private"},
                "from": utilisateur,
                "date": 1764496800,
                "old_chat_member": {"status": "member", "user": robot},
                "new_chat_member": {"status": statut, "user": robot, "until_date": 0},
            },
        }

    envoyer(client, changement("kicked"))
    assert personne(moteur_de(client)).injoignable  # type: ignore[union-attr]
    envoyer(client, changement("member"))
    assert not personne(moteur_de(client)).injoignable  # type: ignore[union-attr]


def test_une_base_en_panne_donne_des_excuses(
    client: TestClient, faux: FauxTelegram, catalogue: Catalogue, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    def panne(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connexion refusée"))

    monkeypatch.setattr(client.app.state.relais.service, "_tour_dans", panne)
    envoyer(client, message("bonjour"))
    assert [e["text"] for e in faux.envoyes] == [catalogue.phrases["indisponible"]]


# --- the outbox's sender --------------------------------------------------------------------


def deposer_pour(moteur_sql: Engine, texte: str = "Votre dossier a changé.") -> Envoi:
    with Session(moteur_sql, expire_on_commit=False) as session:
        cible = Personne(canal="telegram", adresse=str(CHAT))
        (envoi,) = deposer(session, cible, texte, proactif=False, maintenant=MAINTENANT)
        session.commit()
    return envoi


def relire(moteur_sql: Engine, envoi: Envoi) -> Envoi:
    with Session(moteur_sql) as session:
        relu = session.get(Envoi, envoi.id)
        assert relu is not None
        return relu


def test_l_expediteur_envoie_et_rend_un_identifiant_unique(moteur_sql: Engine, faux: FauxTelegram):
    envoi = deposer_pour(moteur_sql)
    identifiant = ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url).envoyer(envoi)
    assert faux.envoyes == [{"chat_id": str(CHAT), "text": "Votre dossier a changé."}]
    assert identifiant == f"{CHAT}:1"


def test_l_expediteur_decoupe_un_long_texte(moteur_sql: Engine, faux: FauxTelegram):
    envoi = deposer_pour(moteur_sql, "\n\n".join(["a" * 3000, "b" * 3000]))
    ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url).envoyer(envoi)
    assert [e["text"] for e in faux.envoyes] == ["a" * 3000, "b" * 3000]


def test_un_429_puis_un_succes_par_la_boite_d_envoi(moteur_sql: Engine, faux: FauxTelegram):
    envoi = deposer_pour(moteur_sql)
    expediteurs = {"telegram": ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url)}
    faux.programmer("sendMessage", trop_de_requetes(5))

    premier = expedier(moteur_sql, expediteurs, MAINTENANT)
    apres_429 = relire(moteur_sql, envoi)
    assert premier.reessais == 1
    assert (apres_429.statut, apres_429.raison) == (EN_ATTENTE, "Telegram 429 (réessayer dans 5 s)")
    assert apres_429.prochain_essai.replace(tzinfo=dt.UTC) > MAINTENANT

    second = expedier(moteur_sql, expediteurs, MAINTENANT + dt.timedelta(minutes=1))
    envoye = relire(moteur_sql, envoi)
    assert second.envoyes == 1
    assert (envoye.statut, envoye.id_fournisseur) == (ENVOYE, f"{CHAT}:1")
    assert len(faux.envoyes) == 2


def test_le_retry_after_de_telegram_est_respecte(moteur_sql: Engine, faux: FauxTelegram):
    """Telegram asks for 600 s: the outbox waits that long, not its own 30 s."""
    envoi = deposer_pour(moteur_sql)
    expediteurs = {"telegram": ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url)}
    faux.programmer("sendMessage", trop_de_requetes(600))
    expedier(moteur_sql, expediteurs, MAINTENANT)
    prochain = relire(moteur_sql, envoi).prochain_essai.replace(tzinfo=dt.UTC)
    assert prochain == MAINTENANT + dt.timedelta(seconds=600)
    assert expedier(moteur_sql, expediteurs, MAINTENANT + dt.timedelta(seconds=599)).traites == 0
    assert expedier(moteur_sql, expediteurs, MAINTENANT + dt.timedelta(seconds=601)).envoyes == 1


def test_un_403_est_definitif_et_marque_la_personne_injoignable(
    moteur_sql: Engine, faux: FauxTelegram
):
    envoi = deposer_pour(moteur_sql)
    faux.programmer("sendMessage", BLOQUE)
    expedier(moteur_sql, {"telegram": ExpediteurTelegram(JETON, moteur_sql, faux.url)}, MAINTENANT)

    echec = relire(moteur_sql, envoi)
    assert (echec.statut, echec.raison) == (ECHEC, "bloqué")
    cible = personne(moteur_sql)
    assert cible is not None and cible.injoignable


@pytest.mark.parametrize(
    ("reponse", "raison", "definitif"),
    [
        (INTROUVABLE, "Telegram 400 Bad Request: chat not found", True),
        (PANNE, "Telegram 502 Bad Gateway", False),
    ],
)
def test_les_autres_erreurs_sont_definitives_ou_transitoires(
    moteur_sql: Engine, faux: FauxTelegram, reponse, raison: str, definitif: bool
):
    envoi = deposer_pour(moteur_sql)
    faux.programmer("sendMessage", reponse)
    with pytest.raises(EchecEnvoi) as echec:
        ExpediteurTelegram(JETON, moteur_sql, api_url=faux.url).envoyer(envoi)
    assert (echec.value.raison, echec.value.definitif) == (raison, definitif)


def test_une_api_injoignable_est_un_echec_transitoire_sans_le_jeton(moteur_sql: Engine):
    envoi = deposer_pour(moteur_sql)
    expediteur = ExpediteurTelegram(JETON, moteur_sql, api_url="http://127.0.0.1:9")
    with pytest.raises(EchecEnvoi) as echec:
        expediteur.envoyer(envoi)
    assert not echec.value.definitif
    assert echec.value.raison.startswith("réseau") and JETON not in echec.value.raison


# --- start-up: webhook and commands ---------------------------------------------------------


def parametres_demarrage(faux: FauxTelegram, **autres: str):
    return parametres_telegram("sqlite://", faux, **{"relais_canaux": "telegram", **autres})


async def test_le_demarrage_declare_le_webhook_et_les_commandes(
    faux: FauxTelegram, phrases: dict[str, Any]
):
    await demarrer_telegram(parametres_demarrage(faux))

    assert [a.methode for a in faux.appels] == ["setWebhook", "setMyCommands"]
    (webhook,) = faux.appels_de("setWebhook")
    assert webhook == {
        "url": URL_PUBLIQUE + "/canaux/telegram",
        "secret_token": SECRET,
        "allowed_updates": MISES_A_JOUR,
    }
    (commandes,) = faux.appels_de("setMyCommands")
    assert commandes["commands"] == [
        {"command": nom, "description": phrases["commandes"][nom]}
        for nom in ("start", "menu", "conseiller", "stop")
    ]
    assert commandes["commands"][3]["description"] == "Ne plus recevoir de messages"


async def test_le_demarrage_attend_poliment_apres_un_429(faux: FauxTelegram):
    faux.programmer("setWebhook", trop_de_requetes(1))
    await demarrer_telegram(parametres_demarrage(faux))
    assert [a.methode for a in faux.appels] == ["setWebhook", "setWebhook", "setMyCommands"]


async def test_sans_url_publique_rien_n_est_declare(faux: FauxTelegram):
    await demarrer_telegram(parametres_demarrage(faux, relais_url_publique=""))
    assert faux.appels == []


@pytest.mark.parametrize(
    ("autres", "variable"),
    [
        ({"telegram_secret": ""}, "TELEGRAM_SECRET"),
        ({"telegram_secret": "avec espace"}, "TELEGRAM_SECRET"),
        ({"telegram_bot_token": "999:faux"}, "TELEGRAM_BOT_TOKEN"),
        ({"telegram_bot_token": ""}, "TELEGRAM_BOT_TOKEN"),
    ],
)
async def test_une_mauvaise_configuration_arrete_le_demarrage(
    faux: FauxTelegram, autres: dict[str, str], variable: str
):
    with pytest.raises(ConfigurationInvalide, match=variable):
        await demarrer_telegram(parametres_demarrage(faux, **autres))
    assert faux.appels_de("setMyCommands") == []


async def test_telegram_en_panne_n_empeche_pas_de_demarrer(faux: FauxTelegram):
    faux.programmer("setWebhook", PANNE)
    await demarrer_telegram(parametres_demarrage(faux))
    assert [a.methode for a in faux.appels] == ["setWebhook"]


# --- long polling ------------------------------------------------------------------------------


def test_relais_telegram_repond_par_long_polling(
    moteur_sql: Engine, faux: FauxTelegram, catalogue: Catalogue
):
    service = ServiceDialogue(Moteur.depuis_catalogue(catalogue), moteur_sql, lambda: MAINTENANT)
    faux.pousser(message("/start", update_id=601))
    # Like Ctrl+C, once the reply is out.
    faux.apres_envoi = lambda: os.kill(os.getpid(), signal.SIGINT)

    assert telegram.commande_polling(parametres_demarrage(faux), service) == 0

    methodes = [a.methode for a in faux.appels]
    assert methodes.index("deleteWebhook") < methodes.index("getUpdates")
    assert "setMyCommands" in methodes
    (envoi,) = faux.envoyes
    assert envoi["chat_id"] == str(CHAT)
    assert envoi["text"].endswith(catalogue.phrases["menu_intro"])
    assert boutons(envoi) == MENU
    (recu,) = [m for m in stockes(moteur_sql) if m.sens == "entrant"]
    assert (recu.canal, recu.id_externe, recu.texte) == ("telegram", "601", "START")


def test_relais_telegram_sans_jeton_le_dit(faux: FauxTelegram, moteur_sql: Engine, catalogue):
    service = ServiceDialogue(Moteur.depuis_catalogue(catalogue), moteur_sql)
    with pytest.raises(ConfigurationInvalide, match="TELEGRAM_BOT_TOKEN"):
        telegram.commande_polling(parametres_demarrage(faux, telegram_bot_token=""), service)
