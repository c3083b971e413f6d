"""The console's domain logic on SQLite and PostgreSQL: the queue, and each agent action."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from assistant import console_service
from assistant.boite_envoi import Envoi
from assistant.conseillers import Conseiller, creer_conseiller
from assistant.console_file import Filtres, en_cours, file_attente, rappels_a_faire
from assistant.console_modeles import ActionConseiller, Attribution, MessageConseiller
from assistant.console_service import ActionImpossible, ConversationChangee
from assistant.console_vue import vue_conversation
from assistant.contenus import Catalogue
from assistant.etat import EtatDialogue
from assistant.modeles import Conversation, Message, Personne
from assistant.moteur import Moteur
from assistant.service import Entrant, ServiceDialogue
from assistant.transfert import TransitionInterdite
from tests.test_console_outils import MOT_DE_PASSE, hachage_rapide

MAINTENANT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
TEL = "+33639980001"


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch: pytest.MonkeyPatch) -> None:
    hachage_rapide(monkeypatch)


@pytest.fixture
def service(catalogue: Catalogue, moteur_sql) -> ServiceDialogue:
    return ServiceDialogue(
        Moteur.depuis_catalogue(catalogue), moteur_sql, horloge=lambda: MAINTENANT
    )


def compte(moteur_sql, identifiant: str, role: str = "conseiller") -> Conseiller:
    with Session(moteur_sql, expire_on_commit=False) as session:
        conseiller = creer_conseiller(session, identifiant, MOT_DE_PASSE, role=role)
        session.commit()
    return conseiller


def dire(service: ServiceDialogue, *textes: str, numero: str = TEL, canal: str = "sms") -> int:
    tour = None
    for texte in textes:
        tour = service.traiter(Entrant(canal, numero, texte))
    assert tour is not None
    return tour.conversation_id


def conversation(moteur_sql, conversation_id: int) -> Conversation:
    with Session(moteur_sql) as session:
        resultat = session.get(Conversation, conversation_id)
        assert resultat is not None
        return resultat


def actions(moteur_sql) -> list[tuple[str, int | None]]:
    with Session(moteur_sql) as session:
        lignes = session.exec(select(ActionConseiller).order_by(col(ActionConseiller.id))).all()
        return [(a.action, a.conversation_id) for a in lignes]


# --- escalation: each trigger lands in the queue with its reason --------------------------

DECLENCHEURS = [
    (("CONSEILLER",), "demande", 10),
    (("menu", "0"), "demande", 10),
    (("je veux parler à quelqu'un",), "demande", 10),
    (("je veux me suicider",), "urgence", 100),
    (("blabla xyz", "qsdkfj qsdf", "1"), "demande", 10),
]


@pytest.mark.parametrize(("textes", "motif", "priorite"), DECLENCHEURS)
def test_chaque_declencheur_arrive_dans_la_file_avec_son_motif(
    service: ServiceDialogue, moteur_sql, textes, motif, priorite
):
    cid = dire(service, *textes)
    (element,) = file_attente(moteur_sql, MAINTENANT)
    assert (element.conversation_id, element.motif, element.priorite) == (cid, motif, priorite)
    assert element.canal == "sms" and element.adresse == TEL


def test_deux_incompris_puis_oui_tape(service: ServiceDialogue, moteur_sql):
    dire(service, "blabla xyz", "qsdkfj qsdf", "oui")
    assert [e.motif for e in file_attente(moteur_sql, MAINTENANT)] == ["demande"]


def test_une_verification_bloquee_arrive_avec_le_motif_verrou(service: ServiceDialogue, moteur_sql):
    essais = ["7300003", "01/01/1950", "7300003", "02/01/1950", "7300003", "03/01/1950"]
    dire(service, "où en est mon dossier", *essais)
    assert [e.motif for e in file_attente(moteur_sql, MAINTENANT)] == ["verrou"]


def test_un_rappel_vocal_arrive_avec_son_motif(moteur_sql):
    """The voice callback (motif "rappel") comes from the voice channel: its row, as it lands."""
    with Session(moteur_sql) as session:
        personne = Personne(canal="voix", adresse=TEL, telephone=TEL)
        session.add(personne)
        session.flush()
        session.add(
            Conversation(
                personne_id=personne.id or 0,
                transfert="attente",
                motif_transfert="rappel",
                priorite=10,
                attente_depuis=MAINTENANT,
            )
        )
        session.commit()
    (element,) = file_attente(moteur_sql, MAINTENANT)
    assert (element.motif, element.canal) == ("rappel", "voix")


# --- what the waiting item carries -------------------------------------------------------


def test_l_element_porte_resume_aide_intention_et_verification(
    service: ServiceDialogue, moteur_sql
):
    from assistant.demo import TELEPHONE_UN_DOSSIER, charger_demo

    charger_demo(moteur_sql, MAINTENANT)
    dire(
        service,
        "combien le rsa ?",
        "où en est mon dossier",
        "conseiller",
        numero=TELEPHONE_UN_DOSSIER,
    )
    (element,) = file_attente(moteur_sql, MAINTENANT + dt.timedelta(minutes=7))
    assert element.verifie and element.dossiers == ("7300001",)
    assert element.attente == dt.timedelta(minutes=7)
    assert (element.resume.demande, element.resume.aide) == ("statut_dossier", "rsa")
    assert (element.intention, element.aide) == ("statut_dossier", "rsa")
    assert element.resume.dernier_message == "conseiller"


def test_l_urgence_passe_devant_puis_l_attente_la_plus_longue(catalogue: Catalogue, moteur_sql):
    def service_a(minute: int) -> ServiceDialogue:
        instant = MAINTENANT + dt.timedelta(minutes=minute)
        return ServiceDialogue(
            Moteur.depuis_catalogue(catalogue), moteur_sql, horloge=lambda: instant
        )

    premier = dire(service_a(0), "conseiller", numero="+33639980001")
    second = dire(service_a(5), "conseiller", numero="+33639980002", canal="whatsapp")
    urgent = dire(service_a(9), "je veux me suicider", numero="+33639980003")
    file = file_attente(moteur_sql, MAINTENANT + dt.timedelta(minutes=10))
    assert [e.conversation_id for e in file] == [urgent, premier, second]
    assert [
        e.conversation_id for e in file_attente(moteur_sql, MAINTENANT, Filtres(canal="whatsapp"))
    ] == [second]
    assert [
        e.conversation_id for e in file_attente(moteur_sql, MAINTENANT, Filtres(motif="urgence"))
    ] == [urgent]


def test_filtre_par_aide(service: ServiceDialogue, moteur_sql):
    avec_rsa = dire(service, "le rsa c'est quoi", "conseiller", numero="+33639980001")
    dire(service, "l'aah c'est quoi", "conseiller", numero="+33639980002")
    filtrees = file_attente(moteur_sql, MAINTENANT, Filtres(aide="rsa"))
    assert [e.conversation_id for e in filtrees] == [avec_rsa]


# --- taking a conversation ---------------------------------------------------------------


def test_deux_conseillers_prennent_en_meme_temps_un_seul_l_a(service, moteur_sql):
    cid = dire(service, "conseiller")
    agents = [compte(moteur_sql, f"agent{i}") for i in range(6)]
    barriere = threading.Barrier(len(agents))
    resultats: list[str] = []

    def prendre(agent: Conseiller) -> None:
        barriere.wait()
        try:
            console_service.prendre(moteur_sql, cid, agent, MAINTENANT)
            resultats.append("pris")
        except ConversationChangee:
            resultats.append("refus")

    fils = [threading.Thread(target=prendre, args=(a,)) for a in agents]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert sorted(resultats) == ["pris"] + ["refus"] * (len(agents) - 1)
    with Session(moteur_sql) as session:
        assert session.exec(select(func.count()).select_from(Attribution)).one() == 1
    assert conversation(moteur_sql, cid).transfert == "conseiller"
    assert [a for a, _ in actions(moteur_sql)] == ["prendre"]
    (element,) = en_cours(moteur_sql, MAINTENANT)
    assert element.titulaire is not None and element.titulaire.startswith("agent")
    assert file_attente(moteur_sql, MAINTENANT) == []


def test_prendre_une_conversation_deja_prise_dit_qui_l_a(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice, bruno = compte(moteur_sql, "alice"), compte(moteur_sql, "bruno")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    with pytest.raises(ConversationChangee, match=r"alice|Alice"):
        console_service.prendre(moteur_sql, cid, bruno, MAINTENANT)


# --- replying ------------------------------------------------------------------------------


def test_repondre_passe_par_la_boite_d_envoi_et_l_historique(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice = compte(moteur_sql, "alice")
    with pytest.raises(ActionImpossible, match="Prenez"):
        console_service.repondre(moteur_sql, cid, alice, "Bonjour", MAINTENANT)
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    assert (
        console_service.repondre(moteur_sql, cid, alice, "Bonjour, je suis là.", MAINTENANT)
        == "message"
    )
    with Session(moteur_sql) as session:
        envoi = session.exec(select(Envoi)).one()
        ecrit = session.exec(select(MessageConseiller)).one()
    assert (envoi.canal, envoi.destinataire, envoi.proactif) == ("sms", TEL, False)
    assert envoi.texte == "Bonjour, je suis là." and envoi.conversation_id == cid
    assert ecrit.message_id == envoi.message_id
    vue = vue_conversation(moteur_sql, cid)
    assert vue is not None
    dernier = vue.evenements[-1]
    assert (dernier.sens, dernier.auteur, dernier.envoi) == ("sortant", "alice", "en_attente")


def test_un_autre_conseiller_ne_repond_pas_a_ma_place_mais_un_admin_si(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice, bruno = compte(moteur_sql, "alice"), compte(moteur_sql, "bruno")
    chef = compte(moteur_sql, "chef", role="admin")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    with pytest.raises(ActionImpossible, match="suivie par"):
        console_service.repondre(moteur_sql, cid, bruno, "Bonjour", MAINTENANT)
    console_service.repondre(moteur_sql, cid, chef, "Bonjour", MAINTENANT)


def test_une_personne_qui_n_a_que_la_voix_recoit_un_rappel(service, moteur_sql):
    with Session(moteur_sql) as session:
        personne = Personne(canal="voix", adresse=TEL, telephone=TEL)
        session.add(personne)
        session.flush()
        vocale = Conversation(
            personne_id=personne.id or 0,
            transfert="attente",
            motif_transfert="rappel",
            attente_depuis=MAINTENANT,
        )
        session.add(vocale)
        session.commit()
        cid = vocale.id or 0
    alice = compte(moteur_sql, "alice")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    assert (
        console_service.repondre(moteur_sql, cid, alice, "Votre RSA est versé le 5.", MAINTENANT)
        == "rappel"
    )
    (rappel,) = rappels_a_faire(moteur_sql)
    assert (rappel.numero, rappel.texte) == (TEL, "Votre RSA est versé le 5.")
    with Session(moteur_sql) as session:
        assert session.exec(select(Envoi)).all() == []
    console_service.rappel_fait(moteur_sql, rappel.id or 0, alice, MAINTENANT)
    assert rappels_a_faire(moteur_sql) == []
    with pytest.raises(ConversationChangee):
        console_service.rappel_fait(moteur_sql, rappel.id or 0, alice, MAINTENANT)


def test_pas_de_message_a_une_personne_qui_a_dit_stop(service, moteur_sql):
    cid = dire(service, "conseiller", "STOP")
    alice = compte(moteur_sql, "alice")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    with pytest.raises(ActionImpossible, match="STOP"):
        console_service.repondre(moteur_sql, cid, alice, "Bonjour", MAINTENANT)


def test_une_note_interne_n_est_jamais_envoyee(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice = compte(moteur_sql, "alice")
    console_service.noter(moteur_sql, cid, alice, "Rappeler la CAF demain.", MAINTENANT)
    with Session(moteur_sql) as session:
        assert session.exec(select(Envoi)).all() == []
        assert "Rappeler la CAF demain." not in [m.texte for m in session.exec(select(Message))]
    vue = vue_conversation(moteur_sql, cid)
    assert vue is not None and vue.evenements[-1].genre == "note"


# --- history across channels -------------------------------------------------------------


def test_l_historique_reunit_les_canaux_du_meme_telephone(service, moteur_sql):
    ancienne = dire(service, "le rsa c'est quoi", canal="whatsapp")
    service.lier_telephone("telegram", "4242", TEL)
    cid = dire(service, "conseiller", numero="4242", canal="telegram")
    vue = vue_conversation(moteur_sql, cid)
    assert vue is not None
    assert {p.canal for p in vue.canaux_lies} == {"whatsapp", "telegram"}
    entrants = [(e.canal, e.texte) for e in vue.evenements if e.sens == "entrant"]
    assert entrants == [("whatsapp", "le rsa c'est quoi"), ("telegram", "conseiller")]
    assert {e.conversation_id for e in vue.evenements} == {ancienne, cid}


# --- transfer, give back, close ------------------------------------------------------------


def test_transferer_a_un_collegue(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice, bruno = compte(moteur_sql, "alice"), compte(moteur_sql, "bruno")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    console_service.transferer(moteur_sql, cid, alice, bruno.id or 0, MAINTENANT)
    vue = vue_conversation(moteur_sql, cid)
    assert vue is not None and vue.titulaire is not None and vue.titulaire.id == bruno.id
    with pytest.raises(ActionImpossible, match="suivie par"):
        console_service.repondre(moteur_sql, cid, alice, "Bonjour", MAINTENANT)
    console_service.repondre(moteur_sql, cid, bruno, "Bonjour", MAINTENANT)
    assert [a for a, _ in actions(moteur_sql)] == ["prendre", "transferer", "repondre"]


def test_rendre_au_bot_remet_l_etat_a_zero_et_le_bot_repond(service, moteur_sql):
    cid = dire(service, "le rsa c'est quoi", "conseiller")
    alice = compte(moteur_sql, "alice")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    assert service.traiter(Entrant("sms", TEL, "c'est quoi l'aah")).sorties == ()
    console_service.rendre(moteur_sql, cid, alice, MAINTENANT, avis="Relais vous répond.")
    rendue = conversation(moteur_sql, cid)
    assert (rendue.transfert, rendue.motif_transfert, rendue.priorite) == ("bot", None, 0)
    assert EtatDialogue.depuis_json(rendue.etat) == EtatDialogue()
    with Session(moteur_sql) as session:
        assert [e.texte for e in session.exec(select(Envoi))] == ["Relais vous répond."]
        assert session.get(Attribution, cid) is None
    tour = service.traiter(Entrant("sms", TEL, "et combien ?"))
    assert tour.sorties and "646,52" not in tour.sorties[0].texte  # fresh state: which aid?
    assert "RSA" in service.traiter(Entrant("sms", TEL, "le rsa")).sorties[0].texte


def test_clore_avec_une_issue_puis_nouvelle_conversation(service, moteur_sql):
    cid = dire(service, "conseiller")
    alice = compte(moteur_sql, "alice")
    console_service.prendre(moteur_sql, cid, alice, MAINTENANT)
    with pytest.raises(ActionImpossible):
        console_service.clore(moteur_sql, cid, alice, "n'importe quoi", MAINTENANT)
    console_service.clore(moteur_sql, cid, alice, "resolu", MAINTENANT)
    assert conversation(moteur_sql, cid).transfert == "clos"
    vue = vue_conversation(moteur_sql, cid)
    assert vue is not None and vue.issue == "resolu"
    assert dire(service, "bonjour") != cid


@pytest.mark.parametrize(
    "action",
    [
        lambda m, c, a: console_service.rendre(m, c, a, MAINTENANT),
        lambda m, c, a: console_service.clore(m, c, a, "resolu", MAINTENANT),
        lambda m, c, a: console_service.prendre(m, c, a, MAINTENANT),
    ],
    ids=["rendre", "clore", "prendre"],
)
def test_une_conversation_close_ne_bouge_plus(service, moteur_sql, action):
    cid = dire(service, "conseiller")
    alice = compte(moteur_sql, "alice")
    console_service.clore(moteur_sql, cid, alice, "hors_sujet", MAINTENANT)
    avant = conversation(moteur_sql, cid)
    with pytest.raises(TransitionInterdite, match="clos"):
        action(moteur_sql, cid, alice)
    apres = conversation(moteur_sql, cid)
    assert (apres.transfert, apres.version) == (avant.transfert, avant.version)
    assert [a for a, _ in actions(moteur_sql)] == ["clore"]


def test_on_ne_prend_pas_une_conversation_avec_le_bot(service, moteur_sql):
    cid = dire(service, "bonjour")
    with pytest.raises(TransitionInterdite):
        console_service.prendre(moteur_sql, cid, compte(moteur_sql, "alice"), MAINTENANT)
    assert conversation(moteur_sql, cid).transfert == "bot"
