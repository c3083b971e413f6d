"""The console over HTTP: login, authorisation, CSRF, escaping, lockout, actions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from assistant.boite_envoi import Envoi, expedier
from assistant.conseillers import Conseiller
from assistant.console_modeles import ActionConseiller
from assistant.modeles import Conversation
from canaux.application import expediteurs
from tests.faux_twilio import FauxTwilio
from tests.test_console_outils import (
    MOT_DE_PASSE,
    Horloge,
    client_console,
    connecte,
    conversation_de,
    creer_compte,
    hachage_rapide,
    se_connecter,
    sms,
)
from tests.web import poster_signe

TEL = "+33639980101"


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch: pytest.MonkeyPatch) -> None:
    hachage_rapide(monkeypatch)


PAGES = [
    "/console",
    "/console/file",
    "/console/conversations/1",
    "/console/conversations/1/fil",
    "/console/comptes",
    "/console/journal",
]
ACTIONS = [
    "/console/conversations/1/prendre",
    "/console/conversations/1/repondre",
    "/console/conversations/1/noter",
    "/console/conversations/1/transferer",
    "/console/conversations/1/rendre",
    "/console/conversations/1/clore",
    "/console/rappels/1/fait",
    "/console/comptes",
    "/console/comptes/1/desactiver",
    "/console/deconnexion",
]


@pytest.fixture
def client(url_base: str):
    with client_console(url_base) as client:
        yield client


def transfert(client, numero: str = TEL) -> str:
    return conversation_de(client, numero).transfert


def test_sans_connexion_ni_page_ni_action(client):
    creer_compte(client, "alice")
    sms(client, TEL, "conseiller")
    for chemin in PAGES:
        reponse = client.get(chemin, follow_redirects=False)
        assert reponse.status_code == 303, chemin
        assert reponse.headers["location"].startswith("/console/connexion?suite=")
        assert client.get(chemin, headers={"X-Requested-With": "fetch"}).status_code == 401
    for chemin in ACTIONS:
        reponse = client.post(chemin, data={"texte": "x", "csrf": "x"}, follow_redirects=False)
        assert reponse.status_code in (303, 401), chemin
        assert reponse.headers.get("location", "/console/connexion").startswith(
            "/console/connexion"
        )
    assert transfert(client) == "attente"
    with Session(client.app.state.relais.moteur_sql) as session:
        assert session.exec(select(ActionConseiller)).all() == []


def test_connexion_cookie_et_deconnexion(client):
    creer_compte(client, "alice")
    reponse = se_connecter(client, "alice")
    assert reponse.status_code == 303 and reponse.headers["location"] == "/console"
    cookie = next(
        v
        for k, v in reponse.headers.multi_items()
        if k == "set-cookie" and v.startswith("relais_console=")
    )
    attributs = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "secure", "path"} <= attributs and "samesite=lax" in cookie.lower()
    page = client.get("/console")
    assert page.status_code == 200 and "Alice" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    jeton = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sortie = client.post("/console/deconnexion", data={"csrf": jeton}, follow_redirects=False)
    assert sortie.status_code == 303
    # The old cookie, replayed, opens nothing: the session is gone from the database.
    client.cookies.set("relais_console", cookie.split(";")[0].split("=", 1)[1], path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_cookie_sans_secure_en_http(url_base: str):
    with client_console(url_base, relais_url_publique="http://localhost:8000") as client:
        creer_compte(client, "alice")
        cookie = se_connecter(client, "alice").headers["set-cookie"]
    assert "secure" not in cookie.lower() and "httponly" in cookie.lower()


def test_un_cookie_falsifie_n_ouvre_rien(client):
    creer_compte(client, "alice")
    client.cookies.set("relais_console", "abc.def.ghi", path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_mauvais_mot_de_passe_puis_verrou_apres_cinq_echecs(url_base: str):
    horloge = Horloge()
    with client_console(url_base, horloge) as client:
        creer_compte(client, "alice")
        for _ in range(4):
            reponse = se_connecter(client, "alice", "mauvais-mot-de-passe")
            assert reponse.status_code == 401 and "incorrect" in reponse.text
        cinquieme = se_connecter(client, "alice", "mauvais-mot-de-passe")
        assert cinquieme.status_code == 401 and "bloqué" in cinquieme.text
        assert se_connecter(client, "alice").status_code == 401  # even the right password
        horloge.avancer(minutes=14)
        assert se_connecter(client, "alice").status_code == 401
        horloge.avancer(minutes=2)
        assert se_connecter(client, "alice").status_code == 303


def test_compte_inconnu_meme_message(client):
    reponse = se_connecter(client, "personne", "un-mot-de-passe")
    assert reponse.status_code == 401 and "Identifiant ou mot de passe incorrect" in reponse.text


def test_formulaire_de_connexion_sans_jeton_refuse(client):
    creer_compte(client, "alice")
    reponse = client.post(
        "/console/connexion",
        data={"identifiant": "alice", "mot_de_passe": MOT_DE_PASSE, "csrf": "invente"},
        follow_redirects=False,
    )
    assert reponse.status_code == 403 and "relais_console=" not in reponse.headers.get(
        "set-cookie", ""
    )


def test_pas_de_redirection_hors_de_la_console(client):
    creer_compte(client, "alice")
    formulaire = client.get("/console/connexion?suite=https://ailleurs.example")
    assert "ailleurs" not in formulaire.text
    jeton = re.search(r'name="csrf" value="([^"]+)"', formulaire.text).group(1)  # type: ignore[union-attr]
    reponse = client.post(
        "/console/connexion",
        data={
            "identifiant": "alice",
            "mot_de_passe": MOT_DE_PASSE,
            "csrf": jeton,
            "suite": "//ailleurs.example/console",
        },
        follow_redirects=False,
    )
    assert reponse.headers["location"] == "/console"


def test_csrf_absent_ou_faux_refuse_sans_changement(client):
    creer_compte(client, "alice")
    sms(client, TEL, "conseiller")
    cid = conversation_de(client, TEL).id
    jeton = connecte(client, "alice")
    for donnees, entetes in (({}, {}), ({"csrf": "faux"}, {}), ({}, {"X-CSRF-Token": "faux"})):
        reponse = client.post(
            f"/console/conversations/{cid}/prendre", data=donnees, headers=entetes
        )
        assert reponse.status_code == 403
    assert transfert(client) == "attente"
    # The same action, by a script with the header, goes through.
    reponse = client.post(
        f"/console/conversations/{cid}/prendre",
        headers={"X-CSRF-Token": jeton, "X-Requested-With": "fetch"},
    )
    assert reponse.status_code == 200 and reponse.json() == {"ok": True}
    assert transfert(client) == "conseiller"


def test_un_script_dans_un_sms_reste_du_texte(client):
    creer_compte(client, "alice")
    sms(client, TEL, "<script>alert('x')</script> je veux parler à quelqu'un")
    cid = conversation_de(client, TEL).id
    connecte(client, "alice")
    for chemin in (
        "/console",
        "/console/file",
        f"/console/conversations/{cid}",
        f"/console/conversations/{cid}/fil",
    ):
        texte = client.get(chemin).text
        assert "<script>alert" not in texte, chemin
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in texte, chemin


def test_un_conseiller_ne_gere_pas_les_comptes(client):
    creer_compte(client, "alice")
    jeton = connecte(client, "alice")
    assert client.get("/console/comptes").status_code == 403
    assert client.get("/console/journal").status_code == 403
    cree = client.post(
        "/console/comptes",
        data={"csrf": jeton, "identifiant": "mallory", "mot_de_passe": "0123456789"},
    )
    assert cree.status_code == 403
    assert client.post("/console/comptes/1/desactiver", data={"csrf": jeton}).status_code == 403
    assert "Comptes" not in client.get("/console").text
    with Session(client.app.state.relais.moteur_sql) as session:
        assert [c.identifiant for c in session.exec(select(Conseiller))] == ["alice"]
        assert session.exec(select(Conseiller)).one().actif


def test_un_admin_cree_liste_et_desactive(client):
    creer_compte(client, "chef", role="admin")
    jeton = connecte(client, "chef")
    reponse = client.post(
        "/console/comptes",
        data={
            "csrf": jeton,
            "identifiant": "bruno",
            "nom": "Bruno B.",
            "role": "conseiller",
            "mot_de_passe": "0123456789",
        },
    )
    assert reponse.status_code == 200 and "Bruno B." in reponse.text
    doublon = client.post(
        "/console/comptes",
        data={"csrf": jeton, "identifiant": "bruno", "mot_de_passe": "0123456789"},
    )
    assert doublon.status_code == 422 and "existe déjà" in doublon.text
    court = client.post(
        "/console/comptes", data={"csrf": jeton, "identifiant": "carla", "mot_de_passe": "court"}
    )
    assert court.status_code == 422 and "10 caractères" in court.text

    autre = TestClient(client.app, base_url="https://testserver")
    connecte(autre, "bruno", "0123456789")
    assert autre.get("/console").status_code == 200
    with Session(client.app.state.relais.moteur_sql) as session:
        bruno = session.exec(select(Conseiller).where(Conseiller.identifiant == "bruno")).one()
    assert (
        client.post(f"/console/comptes/{bruno.id}/desactiver", data={"csrf": jeton}).status_code
        == 200
    )
    # Deactivation ends Bruno's session at once, and he cannot log in again.
    assert autre.get("/console", follow_redirects=False).status_code == 303
    assert se_connecter(autre, "bruno", "0123456789").status_code == 401
    journal = client.get("/console/journal").text
    assert "Crée un compte" in journal and "Désactive un compte" in journal


def test_prendre_deux_fois_le_second_est_prevenu(client):
    creer_compte(client, "alice")
    creer_compte(client, "bruno")
    sms(client, TEL, "conseiller")
    cid = conversation_de(client, TEL).id
    jeton_alice = connecte(client, "alice")
    bruno = TestClient(client.app, base_url="https://testserver")
    jeton_bruno = connecte(bruno, "bruno")
    premiere = client.post(
        f"/console/conversations/{cid}/prendre", data={"csrf": jeton_alice}, follow_redirects=False
    )
    assert premiere.status_code == 303
    seconde = bruno.post(f"/console/conversations/{cid}/prendre", data={"csrf": jeton_bruno})
    assert seconde.status_code == 409 and "déjà été prise par Alice" in seconde.text


def test_rendre_une_conversation_close_erreur_claire_sans_changement(client):
    creer_compte(client, "alice")
    sms(client, TEL, "conseiller")
    cid = conversation_de(client, TEL).id
    jeton = connecte(client, "alice")
    client.post(f"/console/conversations/{cid}/clore", data={"csrf": jeton, "issue": "resolu"})
    avant = conversation_de(client, TEL)
    reponse = client.post(f"/console/conversations/{cid}/rendre", data={"csrf": jeton})
    assert reponse.status_code == 409
    assert "Impossible de « rendre » une conversation « clos »" in reponse.text
    apres = conversation_de(client, TEL)
    assert (
        (apres.transfert, apres.version)
        == (avant.transfert, avant.version)
        == ("clos", avant.version)
    )
    par_script = client.post(
        f"/console/conversations/{cid}/rendre",
        headers={"X-CSRF-Token": jeton, "X-Requested-With": "fetch"},
    )
    assert par_script.status_code == 409 and "clos" in par_script.json()["erreur"]


def test_repondre_l_envoi_part_et_son_etat_s_affiche(url_base: str):
    with (
        FauxTwilio().en_service() as faux,
        client_console(url_base, twilio_api_url=faux.url) as client,
    ):
        ctx = client.app.state.relais
        creer_compte(client, "alice")
        sms(client, TEL, "je veux parler à un conseiller")
        cid = conversation_de(client, TEL).id
        jeton = connecte(client, "alice")
        client.post(f"/console/conversations/{cid}/prendre", data={"csrf": jeton})
        texte = "Bonjour, je m'occupe de votre demande."
        reponse = client.post(
            f"/console/conversations/{cid}/repondre",
            data={"csrf": jeton, "texte": texte},
            headers={"X-Requested-With": "fetch"},
        )
        assert reponse.json() == {"ok": True}
        assert "en file d&#39;envoi" in client.get(f"/console/conversations/{cid}/fil").text
        assert expedier(ctx.moteur_sql, expediteurs(ctx.parametres), ctx.horloge()).envoyes == 1
        assert faux.requetes[-1]["To"] == TEL and faux.requetes[-1]["Body"] == texte
        assert "envoyé" in client.get(f"/console/conversations/{cid}/fil").text
        statut = {"MessageSid": faux.sids[-1], "MessageStatus": "delivered"}
        assert poster_signe(client, "/canaux/sms/statut", statut).status_code == 204
        assert "remis" in client.get(f"/console/conversations/{cid}/fil").text


def test_une_reponse_preparee_sans_script(client):
    creer_compte(client, "alice")
    sms(client, TEL, "conseiller")
    cid = conversation_de(client, TEL).id
    jeton = connecte(client, "alice")
    client.post(f"/console/conversations/{cid}/prendre", data={"csrf": jeton})
    page = client.get(f"/console/conversations/{cid}").text
    assert 'value="bonjour"' in page and 'value="aide:rsa"' in page
    client.post(
        f"/console/conversations/{cid}/repondre", data={"csrf": jeton, "modele": "aide:rsa"}
    )
    with Session(client.app.state.relais.moteur_sql) as session:
        (envoi,) = session.exec(select(Envoi)).all()
    assert envoi.texte.startswith("Le RSA donne un revenu minimum")


def test_rendre_au_bot_par_la_console_le_bot_repond_de_nouveau(client):
    creer_compte(client, "alice")
    sms(client, TEL, "conseiller")
    cid = conversation_de(client, TEL).id
    jeton = connecte(client, "alice")
    client.post(f"/console/conversations/{cid}/prendre", data={"csrf": jeton})
    assert "<Message>" not in sms(client, TEL, "vous êtes là ?").text
    client.post(f"/console/conversations/{cid}/noter", data={"csrf": jeton, "texte": "À suivre"})
    reponse = client.post(
        f"/console/conversations/{cid}/rendre",
        data={"csrf": jeton, "prevenir": "true"},
        follow_redirects=False,
    )
    assert reponse.status_code == 303
    assert "RSA" in sms(client, TEL, "c'est quoi le rsa").text
    with Session(client.app.state.relais.moteur_sql) as session:
        (envoi,) = session.exec(select(Envoi)).all()
        actions = [a.action for a in session.exec(select(ActionConseiller))]
        conversation = session.get(Conversation, cid)
    assert envoi.texte.startswith("Le conseiller a terminé")
    assert actions == ["connexion", "prendre", "noter", "rendre"]
    assert conversation is not None and conversation.transfert == "bot"


def test_la_file_se_filtre(client):
    creer_compte(client, "alice")
    sms(client, "+33639980101", "conseiller")
    sms(client, "+33639980102", "je veux me suicider")
    connecte(client, "alice")
    tout = client.get("/console/file").text
    assert "+33639980101" in tout and "+33639980102" in tout
    assert tout.index("+33639980102") < tout.index("+33639980101")  # the emergency first
    urgences = client.get("/console/file?motif=urgence").text
    assert "+33639980102" in urgences and "+33639980101" not in urgences
    assert "En attente : 2 (1 avec ces filtres)" in urgences
    assert "+33639980101" not in client.get("/console/file?canal=whatsapp").text


def test_sans_cle_secrete_la_console_marche_quand_meme(url_base: str):
    with client_console(url_base, relais_secret_key="") as client:
        creer_compte(client, "alice")
        connecte(client, "alice")
        assert client.get("/console").status_code == 200


def test_une_personne_au_telephone_seulement_un_rappel_dans_la_console(client):
    from assistant.modeles import Personne

    creer_compte(client, "alice")
    with Session(client.app.state.relais.moteur_sql) as session:
        personne = Personne(canal="voix", adresse=TEL, telephone=TEL)
        session.add(personne)
        session.flush()
        vocale = Conversation(
            personne_id=personne.id or 0, transfert="attente", motif_transfert="rappel"
        )
        session.add(vocale)
        session.commit()
        cid = vocale.id
    jeton = connecte(client, "alice")
    assert "Rappel demandé au téléphone" in client.get("/console/file").text
    client.post(f"/console/conversations/{cid}/prendre", data={"csrf": jeton})
    page = client.get(f"/console/conversations/{cid}").text
    assert "un rappel sera créé" in page
    client.post(
        f"/console/conversations/{cid}/repondre",
        data={"csrf": jeton, "texte": "Dire que le RSA est versé le 5."},
    )
    file = client.get("/console/file").text
    assert "Rappels téléphoniques à faire : 1" in file and f"tel:{TEL}" in file
    assert "rappel à faire par téléphone" in client.get(f"/console/conversations/{cid}/fil").text
    with Session(client.app.state.relais.moteur_sql) as session:
        assert session.exec(select(Envoi)).all() == []
    client.post("/console/rappels/1/fait", data={"csrf": jeton})
    assert "Rappels téléphoniques" not in client.get("/console/file").text
