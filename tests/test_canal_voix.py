"""Phone calls end to end: signed Twilio Voice webhooks, TwiML parsed and checked."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from assistant.appels import AppelEtape
from assistant.audit import Divulgation, EchecControle
from assistant.boite_envoi import Envoi
from assistant.dossiers import Dossier
from assistant.modeles import Conversation, Message, Personne
from assistant.reponse import PRIORITE_URGENCE
from canaux.terminal_voix import appeler
from tests.faux_twilio import SID
from tests.web import URL_PUBLIQUE, Horloge, client_de_test, poster_signe, signer

MOBILE = "+33639980201"
FIXE = "+33145678901"
AUTRE_MOBILE = "+33639980299"
AGENTS = "+33639989000"
# Monday 30 November 2026, 11:00 in Paris: the agents are there.
OUVERT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
# Saturday 5 December 2026, 16:00 in Paris: they are back on Monday 7 at 9:00.
FERME = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC)
CHEMIN = "/canaux/voix"

_sids = itertools.count(1)


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()


@pytest.fixture
def client(url_base: str, horloge: Horloge):
    with client_de_test(url_base, horloge=horloge, relais_numero_conseillers=AGENTS) as client:
        with Session(client.app.state.relais.moteur_sql) as session:
            session.add(
                Dossier(
                    numero="1234567",
                    aide="aide_logement",
                    statut="incomplet",
                    telephone=MOBILE,
                    date_naissance=dt.date(1985, 3, 12),
                    pieces_manquantes='["Bail signé", "RIB"]',
                )
            )
            session.commit()
        yield client


def dit(racine: ET.Element) -> str:
    """Everything the voice says in a document, in order."""
    return " ".join(" ".join(say.itertext()) for say in racine.iter("Say"))


def chemin(url: str) -> str:
    assert url.startswith(URL_PUBLIQUE), url
    morceaux = urlsplit(url)
    return f"{morceaux.path}?{morceaux.query}" if morceaux.query else morceaux.path


class Appel:
    """One call: each method posts what Twilio would post after the last document."""

    def __init__(self, client: TestClient, de: str = MOBILE, voix: str = "Polly.Lea-Neural"):
        self.client = client
        self.de = de
        self.voix = voix
        self.sid = f"CA{next(_sids):032x}"
        self.document: ET.Element | None = None
        self.reponses: list[str] = []

    def champs(self, **autres: str) -> dict[str, str]:
        return {
            "AccountSid": SID,
            "CallSid": self.sid,
            "From": self.de,
            "To": "+33639989999",
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **autres,
        }

    def poster(self, chemin_: str, **autres: str) -> ET.Element:
        reponse = poster_signe(self.client, chemin_, self.champs(**autres))
        assert reponse.status_code == 200, reponse.text
        assert reponse.headers["content-type"].startswith("application/xml")
        self.reponses.append(reponse.text)
        racine = ET.fromstring(reponse.text)
        assert racine.tag == "Response"
        for say in racine.iter("Say"):
            assert say.get("language") == "fr-FR"
            assert say.get("voice") == self.voix
        self.document = racine
        return racine

    def decrocher(self) -> ET.Element:
        return self.poster(CHEMIN)

    @property
    def ecoute(self) -> ET.Element:
        assert self.document is not None
        gather = self.document.find("Gather")
        assert gather is not None, ET.tostring(self.document)
        return gather

    def touches(self, chiffres: str) -> ET.Element:
        return self.poster(chemin(self.ecoute.get("action", "")), Digits=chiffres)

    def dire(self, texte: str, confiance: str = "0.91") -> ET.Element:
        action = chemin(self.ecoute.get("action", ""))
        return self.poster(action, SpeechResult=texte, Confidence=confiance)

    def se_taire(self) -> ET.Element:
        assert self.document is not None
        redirect = self.document.find("Redirect")
        assert redirect is not None and redirect.text
        assert redirect.get("method") == "POST"
        return self.poster(chemin(redirect.text))

    def fin_du_transfert(self, statut: str) -> ET.Element:
        assert self.document is not None
        transfert = self.document.find("Dial")
        assert transfert is not None
        return self.poster(chemin(transfert.get("action", "")), DialCallStatus=statut)


def en_base(client: TestClient, modele):
    with Session(client.app.state.relais.moteur_sql) as session:
        return list(session.exec(select(modele)).all())


def entrants(client: TestClient) -> list[Message]:
    return [m for m in en_base(client, Message) if m.sens == "entrant"]


def conversation_voix(client: TestClient) -> Conversation:
    with Session(client.app.state.relais.moteur_sql) as session:
        personne = session.exec(select(Personne).where(Personne.canal == "voix")).one()
        return session.exec(
            select(Conversation).where(Conversation.personne_id == personne.id)
        ).one()


# --- greeting and menus -------------------------------------------------------------------


def test_l_accueil_dit_le_menu_et_ecoute_touches_et_parole(client: TestClient):
    appel = Appel(client)
    racine = appel.decrocher()
    ecoute = appel.ecoute
    assert ecoute.get("input") == "dtmf speech"
    assert ecoute.get("language") == "fr-FR"
    assert ecoute.get("speechTimeout", "").isdigit()
    assert ecoute.get("numDigits") == "1"
    assert ecoute.get("method") == "POST"
    assert ecoute.get("action") == f"{URL_PUBLIQUE}/canaux/voix/suite?etape=1"
    indices = ecoute.get("hints", "").split(", ")
    assert {"RSA", "APL", "AAH", "Prime d'activité", "revenu de solidarite active"} <= set(indices)
    texte = dit(racine)
    assert texte.startswith("Bonjour, ici Relais.")
    for touche in ("tapez 1", "tapez 2", "tapez 0"):
        assert touche in texte
    # Without input, Twilio goes on to the next verb: the same step, marked as silence.
    redirect = racine.find("Redirect")
    assert redirect is not None
    assert redirect.text == f"{URL_PUBLIQUE}/canaux/voix/suite?etape=1&silence=1"
    assert entrants(client) == []


def test_une_aide_au_clavier_puis_ce_qu_on_veut_en_savoir(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    sous_menu = dit(appel.touches("1"))
    assert "Pour le RSA, tapez 1." in sous_menu and "Pour l'APL, tapez 2." in sous_menu
    assert sous_menu.endswith("Pour une autre aide, dites simplement son nom.")
    reponse = dit(appel.touches("1"))
    assert reponse.startswith("Le RSA donne un revenu minimum")
    assert "Pour connaître le montant, tapez 3." in reponse
    montant = dit(appel.touches("3"))
    assert montant.startswith("Pour le RSA : Jusqu'à 646 euros 52 par mois")
    assert "€" not in montant and "Pour connaître le montant" not in montant
    conditions = dit(appel.touches("2"))
    assert "Pour avoir le RSA, voici les conditions." in conditions and "25 ans" in conditions
    pieces = dit(appel.touches("5"))
    assert "Un RIB." in pieces
    assert [m.aide for m in entrants(client)] == [None, "rsa", "rsa", "rsa", "rsa"]


@pytest.mark.parametrize(
    ("phrase", "attendu"),
    [
        ("le RSA", "Le RSA donne un revenu minimum"),
        ("c'est quoi l'APL", "L'aide au logement paie une partie de votre loyer"),
        ("combien pour la prime d'activité", "Pour la prime d'activité :"),
    ],
)
def test_une_aide_dite_au_menu(client: TestClient, phrase: str, attendu: str):
    appel = Appel(client)
    appel.decrocher()
    assert dit(appel.dire(phrase)).startswith(attendu)
    (recu,) = entrants(client)
    assert recu.canal == "voix" and recu.texte == phrase


def test_la_parole_marche_aussi_dans_le_sous_menu(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    appel.touches("1")
    assert dit(appel.dire("l'APL")).startswith("L'aide au logement paie")
    assert "Pour l'APL : Pas de montant fixe." in dit(appel.dire("et combien ?"))


def test_un_chiffre_dit_vaut_la_touche_de_l_ecran(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    appel.dire("le RSA")
    # On this screen 2 is "qui y a droit", whatever the engine numbers its own choices.
    assert dit(appel.dire("2")).startswith("Pour avoir le RSA, voici les conditions.")


def test_la_voix_francaise_se_regle(url_base: str):
    with client_de_test(url_base, relais_voix="Google.fr-FR-Neural2-A") as client:
        Appel(client, voix="Google.fr-FR-Neural2-A").decrocher()


def test_etoile_repete_diese_revient_9_ramene_au_menu(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    appel.touches("1")
    reponse = dit(appel.touches("2"))
    assert dit(appel.touches("*")) == reponse
    assert dit(appel.touches("3")).startswith("Pour l'APL : Pas de montant fixe.")
    # # goes back to the menu the answers came from.
    assert dit(appel.touches("#")).startswith("De quelle aide voulez-vous parler ?")
    assert dit(appel.touches("9")).startswith("Pour une aide, tapez 1")
    assert dit(appel.dire("répétez")).startswith("Pour une aide, tapez 1")
    # Moving in the menu is not a turn: only the two answers were.
    assert len(entrants(client)) == 3


# --- application status -------------------------------------------------------------------


@pytest.mark.parametrize(
    "demander",
    [
        lambda appel: appel.touches("2"),
        lambda appel: appel.dire("je voudrais savoir où en est mon dossier"),
    ],
    ids=["touche-2", "parole"],
)
def test_le_numero_de_l_appelant_donne_le_statut_tout_de_suite(client: TestClient, demander):
    appel = Appel(client)
    appel.decrocher()
    texte = dit(demander(appel))
    assert texte.startswith("Votre dossier pour l'APL. Il manque des papiers dans votre dossier.")
    assert "Il manque : Bail signé, RIB." in texte
    (trace,) = en_base(client, Divulgation)
    assert (trace.canal, trace.methode) == ("voix", "telephone")


def test_un_autre_numero_tape_numero_et_date(client: TestClient):
    appel = Appel(client, de=AUTRE_MOBILE)
    appel.decrocher()
    assert "Tapez le numéro de votre dossier" in dit(appel.touches("2"))
    assert appel.ecoute.get("finishOnKey") == "#" and appel.ecoute.get("numDigits") is None
    assert "date de naissance" in dit(appel.touches("1234567"))
    assert appel.ecoute.get("numDigits") == "8" and appel.ecoute.get("finishOnKey") == "#"
    assert "Il manque des papiers" in dit(appel.touches("12031985"))
    (trace,) = en_base(client, Divulgation)
    assert trace.methode == "numero_et_date"
    assert [m.texte for m in entrants(client)] == ["2", "dossier 1234567", "12031985"]


def test_diese_seul_quitte_la_saisie_du_numero(client: TestClient):
    appel = Appel(client, de=AUTRE_MOBILE)
    appel.decrocher()
    appel.touches("2")
    assert dit(appel.touches("")).startswith("Pour une aide, tapez 1")


def test_trois_echecs_verrouillent_et_passent_la_main(client: TestClient):
    appel = Appel(client, de=AUTRE_MOBILE)
    appel.decrocher()
    appel.touches("2")
    for _ in range(3):
        appel.touches("1234567")
        texte = dit(appel.touches("01011990"))
    assert "la vérification est bloquée pendant 30 minutes" in texte
    assert "Il manque" not in texte
    assert len(en_base(client, EchecControle)) == 3 and en_base(client, Divulgation) == []
    conversation = conversation_voix(client)
    assert (conversation.transfert, conversation.motif_transfert) == ("attente", "verrou")
    assert "Pour parler à un conseiller, tapez 0." in texte


# --- no input, no match, unsure speech ----------------------------------------------------


def test_deux_relances_plus_simples_puis_un_conseiller_offert_puis_au_revoir(
    client: TestClient,
):
    appel = Appel(client)
    appel.decrocher()
    for _ in range(2):
        texte = dit(appel.se_taire())
        assert texte == (
            "Je ne vous ai pas entendu. Dites le nom d'une aide, ou tapez 1. "
            "Votre dossier, tapez 2. Un conseiller, tapez 0."
        )
    racine = appel.se_taire()
    assert "Pour parler à un conseiller, tapez 0." in " ".join(appel.ecoute.itertext())
    # Nothing again: the call ends politely, in the same document.
    assert [e.tag for e in racine] == ["Gather", "Say", "Hangup"]
    assert "Au revoir" in "".join(racine[1].itertext())
    racine = appel.touches("7")
    assert [e.tag for e in racine] == ["Say", "Hangup"]
    assert entrants(client) == []


def test_une_touche_inconnue_ou_une_phrase_incomprise_est_relancee(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    assert dit(appel.touches("7")).startswith("Je n'ai pas compris. Dites le nom d'une aide")
    assert dit(appel.dire("blablabla zorglub")).startswith("Je n'ai pas compris.")
    # A usable answer starts the count again.
    assert "Pour une aide, tapez 1" in dit(appel.touches("9"))
    racine = appel.dire("quel temps fait-il")
    assert dit(racine).startswith("Je n'ai pas compris.")
    assert racine.find("Redirect") is not None and racine.find("Hangup") is None


def test_une_parole_peu_sure_est_confirmee_avant_d_agir(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    texte = dit(appel.dire("le RSA", confiance="0.31"))
    assert texte == "Vous avez dit : le RSA. C'est bien ça ? Tapez 1 pour oui, 2 pour non."
    assert entrants(client) == []
    assert dit(appel.touches("1")).startswith("Le RSA donne un revenu minimum")
    (recu,) = entrants(client)
    assert recu.texte == "le RSA"

    appel.dire("l'AAH", confiance="0.2")
    assert dit(appel.touches("2")).startswith("D'accord. Redites votre demande")
    appel.dire("l'APL", confiance="0.4")
    assert dit(appel.dire("oui", confiance="0.9")).startswith("L'aide au logement paie")
    assert len(entrants(client)) == 2


# --- a person -----------------------------------------------------------------------------


def test_pendant_les_heures_un_conseiller_est_appele(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    appel.dire("le RSA")
    racine = appel.touches("0")
    assert dit(racine).startswith("Je vous passe un conseiller.")
    transfert = racine.find("Dial")
    assert transfert is not None and transfert.findtext("Number") == AGENTS
    assert transfert.get("action") == f"{URL_PUBLIQUE}/canaux/voix/suite?etape=3"
    conversation = conversation_voix(client)
    assert (conversation.transfert, conversation.motif_transfert) == ("attente", "demande")
    # The agent finds the context: what was asked before, and the request itself.
    assert [m.texte for m in entrants(client)] == ["le RSA", "conseiller"]
    fin = appel.fin_du_transfert("no-answer")
    assert "Aucun conseiller n'a pu répondre" in dit(fin) and fin.find("Hangup") is not None


def test_demander_un_conseiller_de_vive_voix(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    racine = appel.dire("je veux parler à un conseiller")
    assert racine.find("Dial") is not None
    assert [m.texte for m in entrants(client)] == ["je veux parler à un conseiller"]


def test_sans_numero_de_conseillers_l_appel_rejoint_la_file(url_base: str):
    with client_de_test(url_base, horloge=lambda: OUVERT) as client:
        appel = Appel(client)
        appel.decrocher()
        racine = appel.touches("0")
    file = racine.find("Enqueue")
    assert file is not None and file.text == "conseillers"


def test_hors_des_heures_les_horaires_et_un_rappel(client: TestClient, horloge: Horloge):
    horloge.maintenant = FERME
    appel = Appel(client)
    appel.decrocher()
    texte = dit(appel.touches("0"))
    assert "Ils seront là à partir de lundi 7 décembre à 9h." in texte
    assert "Pour qu'un conseiller vous rappelle, tapez 1." in texte
    assert en_base(client, Conversation) == [] or conversation_voix(client).transfert == "bot"
    racine = appel.touches("1")
    assert "Un conseiller vous rappellera à partir de lundi 7 décembre à 9h." in dit(racine)
    assert racine.find("Hangup") is not None
    conversation = conversation_voix(client)
    assert (conversation.transfert, conversation.motif_transfert) == ("attente", "rappel")
    assert conversation.attente_depuis is not None


def test_hors_des_heures_un_numero_masque_n_a_pas_de_rappel(client: TestClient, horloge: Horloge):
    horloge.maintenant = FERME
    appel = Appel(client, de="anonymous")
    appel.decrocher()
    texte = dit(appel.touches("0"))
    assert "Votre numéro est masqué" in texte and "tapez 1" not in texte
    (personne,) = en_base(client, Personne)
    assert personne.telephone is None


# --- emergency ----------------------------------------------------------------------------


def test_une_urgence_dite_donne_le_numero_deux_fois_lentement(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    racine = appel.dire("je dors dehors ce soir avec mes enfants")
    texte = dit(racine)
    assert texte.count("1, 1, 5") >= 2
    assert texte.index("1, 1, 5") < texte.index("Un conseiller est prévenu")
    lents = [p.text or "" for p in racine.iter("prosody") if p.get("rate") == "slow"]
    assert any("1, 1, 5" in t for t in lents)
    conversation = conversation_voix(client)
    assert conversation.transfert == "attente"
    assert (conversation.motif_transfert, conversation.priorite) == ("urgence", PRIORITE_URGENCE)
    # Star says the numbers again.
    assert dit(appel.touches("*")).count("1, 1, 5") == texte.count("1, 1, 5")


# --- SMS copy -----------------------------------------------------------------------------


def test_un_mobile_recoit_la_reponse_par_sms(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    texte = dit(appel.dire("combien le RSA"))
    assert "Voulez-vous recevoir ces informations par SMS ? Tapez 1." in texte
    assert en_base(client, Envoi) == []
    assert dit(appel.touches("1")).startswith("C'est fait. Vous allez recevoir un SMS")
    (envoi,) = en_base(client, Envoi)
    assert (envoi.canal, envoi.destinataire, envoi.statut) == ("sms", MOBILE, "en_attente")
    # The SMS rendering of the same answer: euro sign, no keys to press.
    assert envoi.texte.startswith("RSA : Jusqu'à 646,52 €") and "tapez" not in envoi.texte
    assert envoi.conversation_id == conversation_voix(client).id
    # Once sent, 1 is no longer offered.
    assert "par SMS" not in dit(appel.touches("*"))


def test_un_fixe_ne_se_voit_pas_proposer_de_sms(client: TestClient):
    appel = Appel(client, de=FIXE)
    appel.decrocher()
    assert "par SMS" not in dit(appel.dire("le RSA"))
    assert dit(appel.touches("1")).startswith("Je n'ai pas compris.")
    assert en_base(client, Envoi) == []


def test_pas_de_sms_a_qui_a_dit_stop_par_sms(client: TestClient):
    poster_signe(client, "/canaux/sms", {"From": MOBILE, "MessageSid": "SMstop", "Body": "STOP"})
    appel = Appel(client)
    appel.decrocher()
    appel.dire("le RSA")
    assert "ne plus recevoir de SMS" in dit(appel.touches("1"))
    assert en_base(client, Envoi) == []


# --- replays, errors, signatures ----------------------------------------------------------


def test_une_etape_rejouee_rend_le_meme_twiml_sans_second_tour(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    action = chemin(appel.ecoute.get("action", ""))
    premiere = poster_signe(client, action, appel.champs(SpeechResult="le RSA", Confidence="0.9"))
    seconde = poster_signe(client, action, appel.champs(SpeechResult="le RSA", Confidence="0.9"))
    assert premiere.status_code == seconde.status_code == 200
    assert seconde.text == premiere.text
    assert len(entrants(client)) == 1
    assert entrants(client)[0].id_externe == f"{appel.sid}:1"
    # The greeting too.
    assert poster_signe(client, CHEMIN, appel.champs()).text == appel.reponses[0]
    assert sorted(e.etape for e in en_base(client, AppelEtape)) == [0, 1]


def test_des_rejeux_simultanes_font_un_seul_tour_et_le_meme_twiml(client: TestClient):
    appel = Appel(client)
    appel.decrocher()
    action = chemin(appel.ecoute.get("action", ""))
    champs = appel.champs(SpeechResult="le RSA", Confidence="0.9")
    reponses = []

    def poster() -> None:
        reponses.append(poster_signe(client, action, champs))

    fils = [threading.Thread(target=poster) for _ in range(5)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert {r.status_code for r in reponses} == {200}
    assert len({r.text for r in reponses}) == 1
    assert "Le RSA donne un revenu minimum" in reponses[0].text
    assert len(entrants(client)) == 1


def test_une_erreur_interne_donne_des_excuses_et_un_conseiller(client: TestClient, monkeypatch):
    appel = Appel(client)
    appel.decrocher()

    def panne(*_args, **_kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(client.app.state.relais.service, "_tour_dans", panne)
    racine = appel.dire("le RSA")
    assert dit(racine).startswith("Désolé, le service a un problème en ce moment.")
    transfert = racine.find("Dial")
    assert transfert is not None and transfert.findtext("Number") == AGENTS


def test_une_erreur_hors_des_heures_dit_quand_rappeler(
    client: TestClient, horloge: Horloge, monkeypatch
):
    horloge.maintenant = FERME
    appel = Appel(client)

    def panne(*_args, **_kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr("canaux.voix.demarrer_appel", panne)
    racine = appel.decrocher()
    assert "à partir de lundi 7 décembre à 9h" in dit(racine)
    assert [e.tag for e in racine][-1] == "Hangup"


@pytest.mark.parametrize("signature", ["", "faux", "autre-corps"])
def test_une_signature_invalide_est_refusee_et_rien_n_est_stocke(client: TestClient, signature):
    appel = Appel(client)
    champs = appel.champs(SpeechResult="le RSA")
    if signature == "autre-corps":
        signature = signer(CHEMIN, appel.champs(SpeechResult="autre chose"))
    assert poster_signe(client, CHEMIN, champs, signature=signature).status_code == 403
    suite = "/canaux/voix/suite?etape=1"
    assert poster_signe(client, suite, champs, signature=signer(CHEMIN, champs)).status_code == 403
    assert en_base(client, Personne) == [] and en_base(client, AppelEtape) == []


# --- one person across channels -----------------------------------------------------------


def test_qui_a_ecrit_sur_l_apl_est_reconnu_au_telephone(client: TestClient):
    champs = {"From": MOBILE, "MessageSid": "SMapl", "Body": "c'est quoi l'apl"}
    assert poster_signe(client, "/canaux/sms", champs).status_code == 200
    appel = Appel(client)
    texte = dit(appel.decrocher())
    assert "Vous m'avez écrit au sujet de l'APL." in texte
    assert "Pour continuer sur l'APL, tapez 3." in texte
    # "et combien ?" is about the APL, with no aid named.
    assert dit(appel.dire("et combien ?")).startswith("Pour l'APL : Pas de montant fixe.")
    assert dit(appel.touches("9"))
    assert dit(appel.touches("3")).startswith("L'aide au logement paie")
    personnes = en_base(client, Personne)
    assert {p.canal for p in personnes} == {"sms", "voix"}
    assert {p.telephone for p in personnes} == {MOBILE}


def test_un_appel_sans_message_ailleurs_n_evoque_rien(client: TestClient):
    appel = Appel(client, de=AUTRE_MOBILE)
    assert "Vous m'avez écrit" not in dit(appel.decrocher())
    assert appel.ecoute is not None


# --- the terminal -------------------------------------------------------------------------


def test_un_appel_se_joue_dans_le_terminal(client: TestClient):
    service = client.app.state.relais.service
    sortie = io.StringIO()
    code = appeler(service, MOBILE, io.StringIO("1\n1\n3\n1\n\n\n\n\n"), sortie)
    texte = sortie.getvalue()
    assert code == 0
    assert "relais> Bonjour, ici Relais." in texte
    assert "vous> 3" in texte and "646 euros 52" in texte
    assert "[SMS] RSA : Jusqu'à 646,52 €" in texte
    assert texte.rstrip().endswith("Merci de votre appel. Au revoir.\n[fin de l'appel]")
