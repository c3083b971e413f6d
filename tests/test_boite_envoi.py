"""The outbox on SQLite and PostgreSQL, sending through twilio's client to a fake Twilio."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.boite_envoi import (
    ANNULE,
    ECHEC,
    EN_ATTENTE,
    EN_COURS,
    ENVOYE,
    LIVRE,
    MAX_TENTATIVES,
    Envoi,
    Expediteur,
    RapportExpedition,
    deposer,
    enregistrer_statut,
    expedier,
)
from assistant.gsm import GSM7
from assistant.modeles import Conversation, Message, Personne
from canaux.expedition import Expedition
from canaux.twilio_envoi import ExpediteurTwilio
from tests.bases import moteur_de_test
from tests.faux_twilio import ERREUR_429, ERREUR_500, JETON, NUMERO_INVALIDE, SID, FauxTwilio

PARIS = ZoneInfo("Europe/Paris")
NUMERO = "+33700000001"
TELEPHONE = "+33612345678"
URL_STATUT = "https://relais.example/canaux/sms/statut"
# A Wednesday, during the day.
MIDI = dt.datetime(2025, 1, 15, 12, 0, tzinfo=PARIS)


def paris(jour: int, heure: int, minute: int = 0) -> dt.datetime:
    """A moment of January 2025 in Paris (the 15th is a Wednesday, the 19th a Sunday)."""
    return dt.datetime(2025, 1, jour, heure, minute, tzinfo=PARIS)


@pytest.fixture
def twilio() -> Iterator[FauxTwilio]:
    with FauxTwilio().en_service() as faux:
        yield faux


@pytest.fixture
def expediteurs(twilio: FauxTwilio) -> dict[str, Expediteur]:
    expediteur = ExpediteurTwilio(SID, JETON, NUMERO, api_url=twilio.url, url_statut=URL_STATUT)
    return {"sms": expediteur, "whatsapp": expediteur}


def creer_personne(
    moteur_sql: Engine, canal: str = "sms", adresse: str = TELEPHONE, desabonne: bool = False
) -> int:
    with Session(moteur_sql) as session:
        personne = Personne(canal=canal, adresse=adresse, desabonne=desabonne)
        session.add(personne)
        session.commit()
        return personne.id or 0


def deposer_pour(
    moteur_sql: Engine,
    personne_id: int,
    texte: str,
    *,
    proactif: bool = False,
    maintenant: dt.datetime = MIDI,
) -> list[int]:
    with Session(moteur_sql) as session:
        personne = session.get(Personne, personne_id)
        assert personne is not None
        envois = deposer(session, personne, texte, proactif=proactif, maintenant=maintenant)
        session.commit()
        return [e.id or 0 for e in envois]


def lire(moteur_sql: Engine, envoi_id: int) -> Envoi:
    with Session(moteur_sql) as session:
        envoi = session.get(Envoi, envoi_id)
        assert envoi is not None
        return envoi


def changer_abonnement(moteur_sql: Engine, personne_id: int, desabonne: bool) -> None:
    with Session(moteur_sql) as session:
        personne = session.get(Personne, personne_id)
        assert personne is not None
        personne.desabonne = desabonne
        session.add(personne)
        session.commit()


# --- deposer ---------------------------------------------------------------------------


def test_deposer_decoupe_un_long_sms_et_l_ecrit_dans_l_historique(moteur_sql: Engine):
    texte = "Un conseiller vous répond : « votre dossier n° 12 avance ». " * 12
    personne_id = creer_personne(moteur_sql)
    with Session(moteur_sql) as session:
        conversation = Conversation(personne_id=personne_id)
        session.add(conversation)
        session.flush()
        personne = session.get(Personne, personne_id)
        assert personne is not None
        envois = deposer(
            session,
            personne,
            texte,
            proactif=False,
            maintenant=MIDI,
            conversation_id=conversation.id,
        )
        session.commit()
        conversation_id = conversation.id

    with Session(moteur_sql) as session:
        envois = list(session.exec(select(Envoi).order_by(col(Envoi.id))).all())
        messages = {m.id: m for m in session.exec(select(Message)).all()}
    assert len(envois) == 2
    for envoi in envois:
        assert (envoi.statut, envoi.tentatives, envoi.proactif) == (EN_ATTENTE, 0, False)
        assert (envoi.canal, envoi.destinataire) == ("sms", TELEPHONE)
        assert envoi.prochain_essai == MIDI
        assert envoi.encodage == GSM7
        assert envoi.segments is not None and envoi.segments <= 3
        assert "«" not in envoi.texte and "n° " not in envoi.texte
        message = messages[envoi.message_id]
        assert (message.sens, message.canal, message.texte) == ("sortant", "sms", envoi.texte)
        assert (message.conversation_id, message.segments) == (conversation_id, envoi.segments)
    assert len(messages) == 2


def test_deposer_ne_valide_pas_la_transaction_de_l_appelant(moteur_sql: Engine):
    personne_id = creer_personne(moteur_sql, canal="telegram", adresse="123456")
    with Session(moteur_sql) as session:
        personne = session.get(Personne, personne_id)
        assert personne is not None
        (envoi,) = deposer(session, personne, "Bonjour « là »", proactif=True, maintenant=MIDI)
        assert envoi.id is not None
        assert (envoi.texte, envoi.encodage, envoi.segments) == ("Bonjour « là »", None, None)
        session.rollback()
    with Session(moteur_sql) as session:
        assert session.exec(select(Envoi)).all() == []


# --- sending ---------------------------------------------------------------------------


def test_un_envoi_reussi_est_marque_envoye_avec_l_identifiant_twilio(
    moteur_sql: Engine,
    twilio: FauxTwilio,
    expediteurs: dict[str, Expediteur],
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO)
    personne_id = creer_personne(moteur_sql)
    (envoi_id,) = deposer_pour(moteur_sql, personne_id, "Votre aide est versée le 5 févr. ’25")

    rapport = expedier(moteur_sql, expediteurs, MIDI)

    assert rapport == RapportExpedition(envoyes=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.raison) == (ENVOYE, 1, None)
    assert envoi.id_fournisseur == twilio.sids[0]
    assert envoi.envoye_le == MIDI
    assert envoi.verrou_jusqua is None
    # What Twilio received is exactly the stored GSM-7 text.
    assert envoi.texte == "Votre aide est versée le 5 févr. '25"
    assert twilio.requetes == [
        {"To": TELEPHONE, "From": NUMERO, "Body": envoi.texte, "StatusCallback": URL_STATUT}
    ]
    # Nothing is sent twice.
    assert expedier(moteur_sql, expediteurs, MIDI + dt.timedelta(hours=1)).traites == 0
    assert len(twilio.requetes) == 1
    # The log names the message and the channel, never the text or the number.
    assert f"envoi {envoi_id} canal=sms envoye" in caplog.text
    assert "versée" not in caplog.text and TELEPHONE not in caplog.text


def test_une_erreur_500_est_reessayee_apres_l_attente(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    twilio.programmer(ERREUR_500)
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Rappel")

    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(reessais=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives) == (EN_ATTENTE, 1)
    assert envoi.prochain_essai == MIDI + dt.timedelta(seconds=30)
    assert envoi.raison == "Twilio 20500 (HTTP 500)"

    assert expedier(moteur_sql, expediteurs, MIDI + dt.timedelta(seconds=29)).traites == 0
    assert len(twilio.requetes) == 1

    assert expedier(moteur_sql, expediteurs, MIDI + dt.timedelta(seconds=30)).envoyes == 1
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.raison) == (ENVOYE, 2, None)
    assert envoi.id_fournisseur == twilio.sids[0]
    assert [r["Body"] for r in twilio.requetes] == ["Rappel", "Rappel"]


def test_l_attente_double_jusqu_a_l_abandon(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    twilio.programmer(ERREUR_500, ERREUR_429, ERREUR_500, ERREUR_500, ERREUR_500)
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Rappel")

    instant, attentes = MIDI, []
    for _ in range(MAX_TENTATIVES - 1):
        assert expedier(moteur_sql, expediteurs, instant) == RapportExpedition(reessais=1)
        envoi = lire(moteur_sql, envoi_id)
        attentes.append((envoi.prochain_essai - instant).total_seconds())
        instant = envoi.prochain_essai
    assert attentes == [30, 60, 120, 240]

    assert expedier(moteur_sql, expediteurs, instant) == RapportExpedition(echecs=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives) == (ECHEC, MAX_TENTATIVES)
    assert envoi.raison == "Twilio 20500 (HTTP 500)"
    assert expedier(moteur_sql, expediteurs, instant + dt.timedelta(days=1)).traites == 0
    assert len(twilio.requetes) == MAX_TENTATIVES
    assert twilio.sids == []


def test_un_numero_invalide_echoue_sans_nouvel_essai(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    twilio.programmer(NUMERO_INVALIDE)
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Rappel")

    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(echecs=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.raison, envoi.id_fournisseur) == (
        ECHEC,
        "Twilio 21211 (HTTP 400)",
        None,
    )
    assert expedier(moteur_sql, expediteurs, MIDI + dt.timedelta(hours=2)).traites == 0
    assert len(twilio.requetes) == 1


def test_whatsapp_part_avec_les_prefixes_et_le_texte_tel_quel(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    texte = "Réponse d’un conseiller : « c’est noté » 🙂"
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql, canal="whatsapp"), texte)

    assert expedier(moteur_sql, expediteurs, MIDI).envoyes == 1
    assert twilio.requetes == [
        {
            "To": f"whatsapp:{TELEPHONE}",
            "From": f"whatsapp:{NUMERO}",
            "Body": texte,
            "StatusCallback": URL_STATUT,
        }
    ]
    assert lire(moteur_sql, envoi_id).statut == ENVOYE


def test_un_canal_sans_expediteur_echoue(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql, "telegram", "42"), "Salut")

    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(echecs=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.raison) == (ECHEC, "canal sans expéditeur")
    assert twilio.requetes == []


# --- STOP and quiet hours --------------------------------------------------------------


def test_stop_annule_et_rien_ne_part_jusqu_a_start(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    personne_id = creer_personne(moteur_sql)
    (avant_stop,) = deposer_pour(moteur_sql, personne_id, "Votre dossier avance", proactif=True)
    changer_abonnement(moteur_sql, personne_id, desabonne=True)
    (pendant_stop,) = deposer_pour(moteur_sql, personne_id, "Réponse du conseiller")

    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(annules=2)
    for envoi_id in (avant_stop, pendant_stop):
        envoi = lire(moteur_sql, envoi_id)
        assert (envoi.statut, envoi.raison, envoi.tentatives) == (ANNULE, "STOP", 0)
    assert twilio.requetes == []

    changer_abonnement(moteur_sql, personne_id, desabonne=False)
    (apres_start,) = deposer_pour(moteur_sql, personne_id, "Bon retour")
    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(envoyes=1)
    assert lire(moteur_sql, apres_start).statut == ENVOYE
    assert lire(moteur_sql, avant_stop).statut == ANNULE
    assert [r["Body"] for r in twilio.requetes] == ["Bon retour"]


def test_une_notification_a_21h_attend_8h(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    soir = paris(15, 21)
    personne_id = creer_personne(moteur_sql)
    (envoi_id,) = deposer_pour(moteur_sql, personne_id, "Versement", proactif=True, maintenant=soir)

    assert expedier(moteur_sql, expediteurs, soir) == RapportExpedition(reportes=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives) == (EN_ATTENTE, 0)
    assert envoi.prochain_essai == paris(16, 8)

    assert expedier(moteur_sql, expediteurs, paris(16, 7, 59)).traites == 0
    assert twilio.requetes == []
    assert expedier(moteur_sql, expediteurs, paris(16, 8, 1)) == RapportExpedition(envoyes=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.envoye_le) == (ENVOYE, 1, paris(16, 8, 1))
    assert len(twilio.requetes) == 1


def test_une_notification_du_dimanche_attend_lundi(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    dimanche = paris(19, 10)
    personne_id = creer_personne(moteur_sql)
    (envoi_id,) = deposer_pour(moteur_sql, personne_id, "Info", proactif=True, maintenant=dimanche)

    assert expedier(moteur_sql, expediteurs, dimanche).reportes == 1
    assert lire(moteur_sql, envoi_id).prochain_essai == paris(20, 8)
    assert expedier(moteur_sql, expediteurs, paris(19, 22)).traites == 0
    assert expedier(moteur_sql, expediteurs, paris(20, 8)).envoyes == 1
    assert len(twilio.requetes) == 1


def test_la_reponse_d_un_conseiller_a_23h_part_tout_de_suite(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    nuit = paris(15, 23)
    personne_id = creer_personne(moteur_sql)
    (envoi_id,) = deposer_pour(moteur_sql, personne_id, "Je regarde", maintenant=nuit)

    assert expedier(moteur_sql, expediteurs, nuit) == RapportExpedition(envoyes=1)
    assert lire(moteur_sql, envoi_id).envoye_le == nuit
    assert [r["Body"] for r in twilio.requetes] == ["Je regarde"]


# --- several workers -------------------------------------------------------------------


class Interruption(BaseException):
    """What a worker killed in the middle of a send looks like from the outbox."""


class ExpediteurQuiMeurt:
    def envoyer(self, envoi: Envoi) -> str:
        raise Interruption


def test_un_envoi_abandonne_par_un_worker_mort_repart_une_fois_le_bail_expire(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Rappel")
    with pytest.raises(Interruption):
        expedier(moteur_sql, {"sms": ExpediteurQuiMeurt()}, MIDI)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives) == (EN_COURS, 1)
    assert envoi.verrou_jusqua == MIDI + dt.timedelta(seconds=60)

    # While the lease holds, the row is someone else's.
    assert expedier(moteur_sql, expediteurs, MIDI + dt.timedelta(seconds=59)).traites == 0
    assert twilio.requetes == []

    apres = MIDI + dt.timedelta(seconds=61)
    assert expedier(moteur_sql, expediteurs, apres) == RapportExpedition(envoyes=1)
    assert expedier(moteur_sql, expediteurs, apres + dt.timedelta(minutes=5)).traites == 0
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.verrou_jusqua) == (ENVOYE, 2, None)
    assert len(twilio.requetes) == 1


def test_un_worker_qui_a_perdu_son_bail_ne_consigne_pas_son_resultat(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    """A send slower than its lease: the row was claimed again meanwhile, and is not ours."""
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Rappel")
    reprise = MIDI + dt.timedelta(minutes=2)

    class ExpediteurLent:
        def envoyer(self, envoi: Envoi) -> str:
            # Meanwhile another worker takes the row over, and is itself still sending.
            with pytest.raises(Interruption):
                expedier(moteur_sql, {"sms": ExpediteurQuiMeurt()}, reprise)
            return "SMlent"

    assert expedier(moteur_sql, {"sms": ExpediteurLent()}, MIDI).traites == 0
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.id_fournisseur) == (EN_COURS, 2, None)
    assert envoi.verrou_jusqua == reprise + dt.timedelta(seconds=60)

    fin_du_bail = reprise + dt.timedelta(seconds=61)
    assert expedier(moteur_sql, expediteurs, fin_du_bail) == RapportExpedition(envoyes=1)
    envoi = lire(moteur_sql, envoi_id)
    assert (envoi.statut, envoi.tentatives, envoi.id_fournisseur) == (ENVOYE, 3, twilio.sids[0])


def test_deux_workers_simultanes_envoient_chaque_message_une_seule_fois(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    twilio.delai = 0.01
    personne_id = creer_personne(moteur_sql)
    textes = [f"Message {i}" for i in range(12)]
    for texte in textes:
        deposer_pour(moteur_sql, personne_id, texte)
    depart = threading.Barrier(2)
    rapports: list[RapportExpedition] = []
    erreurs: list[BaseException] = []

    def worker() -> None:
        try:
            depart.wait()
            while (rapport := expedier(moteur_sql, expediteurs, MIDI, lot=3)).traites:
                rapports.append(rapport)
        except BaseException as erreur:
            erreurs.append(erreur)

    fils = [threading.Thread(target=worker) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(60)

    assert erreurs == []
    assert sorted(r["Body"] for r in twilio.requetes) == sorted(textes)
    assert sum(r.envoyes for r in rapports) == len(textes)
    with Session(moteur_sql) as session:
        envois = session.exec(select(Envoi)).all()
    assert {e.statut for e in envois} == {ENVOYE}
    assert {e.tentatives for e in envois} == {1}
    assert sorted(e.id_fournisseur or "" for e in envois) == sorted(twilio.sids)


@pytest.fixture
def moteur_pg() -> Iterator[Engine]:
    """SKIP LOCKED exists on PostgreSQL only (SQLite serialises whole transactions)."""
    yield from moteur_de_test("postgresql")


def test_postgresql_saute_les_lignes_qu_un_autre_worker_reserve(
    moteur_pg: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    moteur_sql = moteur_pg
    personne_id = creer_personne(moteur_sql)
    premier = deposer_pour(moteur_sql, personne_id, "Un")
    second = deposer_pour(moteur_sql, personne_id, "Deux")
    with Session(moteur_sql) as autre_worker:
        autre_worker.exec(select(Envoi).where(Envoi.id == premier[0]).with_for_update()).one()
        rapports: list[RapportExpedition] = []
        fil = threading.Thread(
            target=lambda: rapports.append(expedier(moteur_sql, expediteurs, MIDI))
        )
        fil.start()
        fil.join(10)
        # It did not wait for the locked row: it took the next one.
        assert not fil.is_alive()
        assert rapports == [RapportExpedition(envoyes=1)]
        assert lire(moteur_sql, premier[0]).statut == EN_ATTENTE
        assert lire(moteur_sql, second[0]).statut == ENVOYE
    assert expedier(moteur_sql, expediteurs, MIDI) == RapportExpedition(envoyes=1)
    assert [r["Body"] for r in twilio.requetes] == ["Deux", "Un"]


# --- delivery status -------------------------------------------------------------------


def test_enregistrer_statut_suit_twilio_sans_revenir_en_arriere(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    personne_id = creer_personne(moteur_sql)
    (livre_id,) = deposer_pour(moteur_sql, personne_id, "Un")
    (perdu_id,) = deposer_pour(moteur_sql, personne_id, "Deux")
    assert expedier(moteur_sql, expediteurs, MIDI).envoyes == 2
    sid_livre, sid_perdu = (lire(moteur_sql, i).id_fournisseur or "" for i in (livre_id, perdu_id))

    def statut(envoi_id: int) -> tuple[str, str | None]:
        envoi = lire(moteur_sql, envoi_id)
        return envoi.statut, envoi.raison

    assert enregistrer_statut(moteur_sql, "SMinconnu", "delivered", None) is False

    etapes: list[tuple[str, int, str, str | None, tuple[str, str | None]]] = [
        (sid_livre, livre_id, "queued", None, (ENVOYE, None)),
        (sid_livre, livre_id, "sent", None, (ENVOYE, None)),
        (sid_livre, livre_id, "delivered", None, (LIVRE, None)),
        (sid_livre, livre_id, "sent", None, (LIVRE, None)),  # late, ignored
        (sid_livre, livre_id, "failed", "30008", (LIVRE, None)),
        (sid_livre, livre_id, "read", None, (LIVRE, None)),
        (sid_perdu, perdu_id, "sending", None, (ENVOYE, None)),
        (sid_perdu, perdu_id, "undelivered", "30003", (ECHEC, "Twilio 30003")),
        (sid_perdu, perdu_id, "sent", None, (ECHEC, "Twilio 30003")),
        (sid_perdu, perdu_id, "delivered", None, (ECHEC, "Twilio 30003")),
    ]
    for sid, envoi_id, statut_twilio, code, attendu in etapes:
        assert enregistrer_statut(moteur_sql, sid, statut_twilio, code) is True
        assert statut(envoi_id) == attendu, (statut_twilio, code)


def test_un_echec_sans_code_garde_le_statut_twilio_comme_raison(
    moteur_sql: Engine, expediteurs: dict[str, Expediteur]
):
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "Un")
    expedier(moteur_sql, expediteurs, MIDI)
    sid = lire(moteur_sql, envoi_id).id_fournisseur or ""
    assert enregistrer_statut(moteur_sql, sid, "failed", None)
    assert lire(moteur_sql, envoi_id).raison == "Twilio failed"


# --- the background worker -------------------------------------------------------------


def attendre(condition: Callable[[], bool], delai: float = 10.0) -> bool:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_l_expedition_tourne_en_fond_et_survit_a_une_erreur(
    moteur_sql: Engine,
    twilio: FauxTwilio,
    expediteurs: dict[str, Expediteur],
    caplog: pytest.LogCaptureFixture,
):
    (envoi_id,) = deposer_pour(moteur_sql, creer_personne(moteur_sql), "En fond")
    appels: list[dt.datetime] = []

    def horloge() -> dt.datetime:
        appels.append(MIDI)
        if len(appels) == 1:
            raise RuntimeError("horloge en panne")
        return MIDI

    expedition = Expedition(moteur_sql, expediteurs, intervalle=0.01, horloge=horloge)
    expedition.start()
    assert expedition.en_marche
    try:
        assert attendre(lambda: lire(moteur_sql, envoi_id).statut == ENVOYE)
        tours = len(appels)
        assert attendre(lambda: len(appels) > tours + 2)
    finally:
        expedition.arreter()
    assert not expedition.en_marche
    assert "expedition: tour en echec (RuntimeError)" in caplog.text
    assert [r["Body"] for r in twilio.requetes] == ["En fond"]


def test_un_expediteur_qui_plante_ne_bloque_pas_le_lot(
    moteur_sql: Engine, twilio: FauxTwilio, expediteurs: dict[str, Expediteur]
):
    class Plante:
        def envoyer(self, envoi: Envoi) -> str:
            raise KeyError(envoi.destinataire)

    sms = deposer_pour(moteur_sql, creer_personne(moteur_sql), "SMS")
    wa = deposer_pour(moteur_sql, creer_personne(moteur_sql, canal="whatsapp"), "WA")
    rapport = expedier(moteur_sql, {"sms": Plante(), "whatsapp": expediteurs["whatsapp"]}, MIDI)

    assert rapport == RapportExpedition(envoyes=1, reessais=1)
    assert (lire(moteur_sql, sms[0]).statut, lire(moteur_sql, sms[0]).raison) == (
        EN_ATTENTE,
        "erreur KeyError",
    )
    assert lire(moteur_sql, wa[0]).statut == ENVOYE
    assert [r["Body"] for r in twilio.requetes] == ["WA"]
