"""One turn through the service, on SQLite and PostgreSQL: what is stored, what is answered."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.contenus import Catalogue
from assistant.modeles import Conversation, Message, Personne
from assistant.moteur import Moteur
from assistant.reponse import TRANSMETTRE
from assistant.service import Entrant, ServiceDialogue

NUMERO = "+33639980001"


@pytest.fixture
def service(catalogue: Catalogue, moteur_sql) -> ServiceDialogue:
    return ServiceDialogue(
        Moteur.depuis_catalogue(catalogue),
        moteur_sql,
        horloge=lambda: dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC),
    )


def messages(service: ServiceDialogue) -> list[Message]:
    with Session(service.moteur_sql) as session:
        return list(session.exec(select(Message).order_by(col(Message.id))).all())


def test_un_tour_stocke_le_message_recu_et_la_reponse(service: ServiceDialogue):
    tour = service.traiter(Entrant("sms", NUMERO, "c'est quoi le RSA ?", id_externe="SM1"))
    assert "RSA" in tour.sorties[0].texte
    assert tour.sorties[0].encodage == "GSM-7" and tour.sorties[0].segments <= 3
    recu, envoye = messages(service)
    assert (recu.sens, recu.texte, recu.intention, recu.aide) == (
        "entrant",
        "c'est quoi le RSA ?",
        "info_aide",
        "rsa",
    )
    assert (envoye.sens, envoye.reponse_a, envoye.texte) == (
        "sortant",
        recu.id,
        tour.sorties[0].texte,
    )
    assert envoye.segments == tour.sorties[0].segments
    with Session(service.moteur_sql) as session:
        personne = session.exec(select(Personne)).one()
    assert (personne.canal, personne.adresse, personne.telephone) == ("sms", NUMERO, NUMERO)


def test_le_contexte_passe_d_un_message_a_l_autre(service: ServiceDialogue):
    service.traiter(Entrant("sms", NUMERO, "c'est quoi le RSA ?"))
    tour = service.traiter(Entrant("sms", NUMERO, "et combien ?"))
    assert "646,52" in tour.sorties[0].texte


def test_un_rejeu_rend_la_meme_reponse_sans_second_tour(service: ServiceDialogue):
    premier = service.traiter(Entrant("sms", NUMERO, "bonjour", id_externe="SM2"))
    second = service.traiter(Entrant("sms", NUMERO, "bonjour", id_externe="SM2"))
    assert second.rejoue and not premier.rejoue
    assert second.sorties == premier.sorties
    assert len(messages(service)) == 1 + len(premier.sorties)


def test_rejeux_simultanes_un_seul_tour(service: ServiceDialogue):
    resultats = []

    def envoyer() -> None:
        resultats.append(service.traiter(Entrant("sms", NUMERO, "menu", id_externe="SM3")))

    fils = [threading.Thread(target=envoyer) for _ in range(4)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert len(resultats) == 4
    assert len({r.sorties for r in resultats}) == 1
    recus = [m for m in messages(service) if m.sens == "entrant"]
    assert len(recus) == 1


def test_stop_puis_start(service: ServiceDialogue):
    service.traiter(Entrant("sms", NUMERO, "STOP"))
    apres = service.traiter(Entrant("sms", NUMERO, "c'est quoi le RSA ?"))
    assert "START" in apres.sorties[0].texte and "RSA :" not in apres.sorties[0].texte
    with Session(service.moteur_sql) as session:
        assert session.exec(select(Personne)).one().desabonne
    service.traiter(Entrant("sms", NUMERO, "START"))
    with Session(service.moteur_sql) as session:
        assert not session.exec(select(Personne)).one().desabonne
    assert "RSA" in service.traiter(Entrant("sms", NUMERO, "le rsa")).sorties[0].texte


@pytest.mark.parametrize("texte", ["zorglub blabla", "qui a gagné le match hier soir"])
def test_un_message_mal_compris_garde_les_numeros_d_urgence_en_vue(
    service: ServiceDialogue, texte: str
):
    # A distress message the understanding missed still meets the emergency numbers.
    sorties = service.traiter(Entrant("sms", NUMERO, texte)).sorties
    assert len(sorties) == 1 and sorties[0].segments == 1
    assert "112" in sorties[0].texte and "114" in sorties[0].texte


@pytest.mark.parametrize(
    "texte",
    ["ils ont arrêté les versements du rsa", "la caf a stoppé mes apl", "ma prime est stoppée"],
)
def test_un_paiement_arrete_ne_desabonne_pas(service: ServiceDialogue, texte: str):
    tour = service.traiter(Entrant("sms", NUMERO, texte))
    assert tour.reponse is not None and tour.reponse.intention == "statut_dossier"
    with Session(service.moteur_sql) as session:
        assert not session.exec(select(Personne)).one().desabonne


def test_une_urgence_marque_la_conversation_pour_un_conseiller(service: ServiceDialogue):
    tour = service.traiter(Entrant("sms", NUMERO, "je veux me suicider"))
    assert "3114" in tour.sorties[0].texte
    with Session(service.moteur_sql) as session:
        conversation = session.exec(select(Conversation)).one()
    assert (conversation.transfert, conversation.motif_transfert) == ("attente", "urgence")
    assert conversation.priorite == 100


def test_une_odeur_de_gaz_donne_le_18_et_le_geste_a_faire(service: ServiceDialogue):
    tour = service.traiter(Entrant("sms", NUMERO, "ca sent le gaz tres fort dans l'entree"))
    assert "18 : les pompiers" in tour.sorties[0].texte and "112" in tour.sorties[0].texte
    assert tour.reponse is not None and tour.reponse.action(TRANSMETTRE) is not None
    # Where length costs nothing, the gesture that saves: nothing lit, out of the house.
    tour = service.traiter(Entrant("whatsapp", NUMERO, "il y a de la fumée dans l'escalier"))
    assert "18 : les pompiers" in tour.sorties[0].texte
    assert "Sortez tout de suite" in tour.sorties[0].texte


def test_un_message_enorme_est_tronque_et_repondu(service: ServiceDialogue):
    tour = service.traiter(Entrant("sms", NUMERO, "rsa " * 5000))
    assert tour.sorties
    assert len(messages(service)[0].texte) == 2000


def test_deux_personnes_ont_deux_conversations(service: ServiceDialogue):
    service.traiter(Entrant("sms", NUMERO, "le rsa"))
    tour = service.traiter(Entrant("sms", "+33639980002", "et combien ?"))
    assert "646,52" not in tour.sorties[0].texte


def test_apres_une_demande_de_conseiller_le_bot_se_tait(service: ServiceDialogue):
    premier = service.traiter(Entrant("sms", NUMERO, "je veux parler a un conseiller"))
    texte = " ".join(s.texte for s in premier.sorties)
    assert "transmise" in texte and "vous repondra" in texte.replace("é", "e")
    muet = service.traiter(Entrant("sms", NUMERO, "c'est quoi le RSA ?"))
    assert muet.sorties == ()
    urgent = service.traiter(Entrant("sms", NUMERO, "je veux me suicider"))
    assert "3114" in urgent.sorties[0].texte
    recus = [m for m in messages(service) if m.sens == "entrant"]
    assert len(recus) == 3 and recus[1].intention == "info_aide"
    with Session(service.moteur_sql) as session:
        conversation = session.exec(select(Conversation)).one()
    assert conversation.transfert == "attente" and conversation.motif_transfert == "demande"
    assert conversation.priorite == 100  # the emergency raised it


def test_hors_des_heures_on_dit_quand_un_conseiller_repondra(catalogue: Catalogue, moteur_sql):
    samedi_soir = dt.datetime(2026, 12, 5, 19, 0, tzinfo=dt.UTC)
    service = ServiceDialogue(
        Moteur.depuis_catalogue(catalogue), moteur_sql, horloge=lambda: samedi_soir
    )
    tour = service.traiter(Entrant("sms", NUMERO, "conseiller"))
    texte = " ".join(s.texte for s in tour.sorties)
    sans_accents = texte.replace("é", "e").replace("à", "a")
    assert "absents" in texte and "lundi 7 decembre a 9h" in sans_accents


def test_une_conversation_rendue_au_bot_reprend(service: ServiceDialogue):
    service.traiter(Entrant("sms", NUMERO, "conseiller"))
    with Session(service.moteur_sql) as session:
        conversation = session.exec(select(Conversation)).one()
        conversation.transfert = "bot"
        session.add(conversation)
        session.commit()
    assert "RSA" in service.traiter(Entrant("sms", NUMERO, "le rsa")).sorties[0].texte


# --- on the event loop: SQLite turns run at once, or on a thread when the lock is taken ---


@pytest.fixture
def service_sqlite(catalogue: Catalogue, tmp_path) -> Iterator[ServiceDialogue]:
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    preparer_schema(moteur)
    fils: list[str] = []

    def horloge() -> dt.datetime:
        fils.append(threading.current_thread().name)
        return dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)

    service = ServiceDialogue(Moteur.depuis_catalogue(catalogue), moteur, horloge=horloge)
    service.fils = fils  # type: ignore[attr-defined]
    yield service
    moteur.dispose()


async def test_lock_libre_le_tour_se_fait_sur_la_boucle(service_sqlite: ServiceDialogue):
    tour = await service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "c'est quoi le rsa"))
    assert "RSA" in tour.sorties[0].texte
    assert service_sqlite.fils == [threading.current_thread().name]  # type: ignore[attr-defined]


async def test_verrou_pris_par_un_autre_processus_la_boucle_ne_l_attend_pas(
    service_sqlite: ServiceDialogue, tmp_path
):
    autre = sqlite3.connect(tmp_path / "relais.db", isolation_level=None)
    autre.execute("BEGIN IMMEDIATE")  # as `relais dossiers importer` would, in another process
    tour = asyncio.ensure_future(
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "bonjour", id_externe="SM1"))
    )
    battements = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        battements += 1
    assert battements == 20 and not tour.done()
    autre.execute("ROLLBACK")
    resultat = await asyncio.wait_for(tour, 10)
    assert resultat.sorties and not resultat.rejoue
    assert service_sqlite.fils[-1] == "relais-tours_0"  # type: ignore[attr-defined]
    assert [m.sens for m in messages(service_sqlite)] == ["entrant", "sortant"]
    autre.close()


async def test_verrou_pris_dans_le_processus_les_tours_gardent_leur_ordre(
    service_sqlite: ServiceDialogue,
):
    libere, pris = threading.Event(), threading.Event()

    def tenir_le_verrou() -> None:
        with service_sqlite.moteur_sql.begin():
            pris.set()
            libere.wait(10)

    fil = threading.Thread(target=tenir_le_verrou)
    fil.start()
    pris.wait(10)
    premier = asyncio.ensure_future(
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "c'est quoi le rsa"))
    )
    await asyncio.sleep(0.05)
    second = asyncio.ensure_future(
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "et combien ?"))
    )
    await asyncio.sleep(0.05)
    assert not premier.done() and not second.done()
    libere.set()
    await asyncio.wait_for(asyncio.gather(premier, second), 10)
    fil.join()
    assert premier.result().reponse.intention == "info_aide"  # type: ignore[union-attr]
    assert second.result().reponse.aide == "rsa"  # type: ignore[union-attr]
    assert second.result().reponse.intention == "montant"  # type: ignore[union-attr]
    textes = [m.texte for m in messages(service_sqlite) if m.sens == "entrant"]
    assert textes == ["c'est quoi le rsa", "et combien ?"]


# --- turns that arrive together share one SQLite transaction ----------------------------


def _compter_les_commits(service: ServiceDialogue) -> list[int]:
    from sqlalchemy import event

    commits: list[int] = []
    event.listen(service.moteur_sql, "commit", lambda _connexion: commits.append(1))
    return commits


async def test_des_tours_arrives_ensemble_partagent_une_transaction(
    service_sqlite: ServiceDialogue,
):
    commits = _compter_les_commits(service_sqlite)
    textes = ["c'est quoi le rsa", "et combien ?", "bonjour", "jai droit a l apl ?"]
    numeros = [NUMERO, NUMERO, "+33639980002", "+33639980003"]
    tours = await asyncio.gather(
        *(
            service_sqlite.traiter_hors_boucle(Entrant("sms", numero, texte, id_externe=f"SM{i}"))
            for i, (numero, texte) in enumerate(zip(numeros, textes, strict=True))
        )
    )
    assert len(commits) == 1
    # Each its own reply, and one person's messages in their order.
    assert [t.reponse.intention for t in tours] == [  # type: ignore[union-attr]
        "info_aide", "montant", "salutation", "eligibilite",
    ]  # fmt: skip
    assert tours[1].reponse.aide == "rsa"  # type: ignore[union-attr]
    stockes = messages(service_sqlite)
    assert [m.texte for m in stockes if m.sens == "entrant"] == textes
    assert sum(1 for m in stockes if m.sens == "sortant") == sum(len(t.sorties) for t in tours)


async def test_un_rejeu_dans_le_meme_lot_rend_la_meme_reponse(service_sqlite: ServiceDialogue):
    premier, rejeu = await asyncio.gather(
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "menu", id_externe="SM9")),
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "menu", id_externe="SM9")),
    )
    assert not premier.rejoue and rejeu.rejoue
    assert rejeu.sorties == premier.sorties
    assert [m.sens for m in messages(service_sqlite)].count("entrant") == 1


async def test_un_rejeu_d_un_lot_precedent_ne_coupe_pas_le_lot(service_sqlite: ServiceDialogue):
    """Told by the unique provider id when stored: the replay is answered as before, its
    attempt is undone, and the turns around it stay in one transaction."""
    premier = await service_sqlite.traiter_hors_boucle(
        Entrant("sms", NUMERO, "c'est quoi le rsa", id_externe="SM1")
    )
    commits = _compter_les_commits(service_sqlite)
    avant, rejeu, apres = await asyncio.gather(
        service_sqlite.traiter_hors_boucle(
            Entrant("sms", "+33639980002", "menu", id_externe="SM2")
        ),
        service_sqlite.traiter_hors_boucle(
            Entrant("sms", NUMERO, "c'est quoi le rsa", id_externe="SM1")
        ),
        service_sqlite.traiter_hors_boucle(
            Entrant("sms", NUMERO, "et combien ?", id_externe="SM3")
        ),
    )
    assert len(commits) == 1
    assert rejeu.rejoue and rejeu.sorties == premier.sorties
    assert not avant.rejoue and not apres.rejoue
    assert apres.reponse is not None and apres.reponse.intention == "montant"
    entrants = [m.id_externe for m in messages(service_sqlite) if m.sens == "entrant"]
    assert sorted(entrants) == ["SM1", "SM2", "SM3"]


async def test_un_tour_qui_echoue_dans_un_lot_est_repris_seul_et_l_ordre_tient(
    service_sqlite: ServiceDialogue, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    vrai = service_sqlite._tour_dans
    echecs = []

    def une_fois_en_conflit(connexion, entrant: Entrant, **options):
        if entrant.texte == "et combien ?" and not echecs:
            echecs.append(entrant.texte)
            raise IntegrityError("INSERT", {}, Exception("un autre processus l'a fait"))
        return vrai(connexion, entrant, **options)

    monkeypatch.setattr(service_sqlite, "_tour_dans", une_fois_en_conflit)
    commits = _compter_les_commits(service_sqlite)
    textes = ["c'est quoi le rsa", "et combien ?", "et les papiers ?"]
    tours = await asyncio.gather(
        *(service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, t)) for t in textes)
    )
    assert echecs == ["et combien ?"]
    # The first in the batch, then the one that failed alone, then the one after it alone.
    assert len(commits) == 3
    assert [t.reponse.intention for t in tours] == [  # type: ignore[union-attr]
        "info_aide", "montant", "pieces",
    ]  # fmt: skip
    assert [m.texte for m in messages(service_sqlite) if m.sens == "entrant"] == textes


async def test_un_lot_dont_le_commit_echoue_est_repris_tour_par_tour(
    service_sqlite: ServiceDialogue, monkeypatch
):
    vrai = service_sqlite._tours_en_lot

    def commit_refuse(entrants: list[Entrant]):
        vrai(entrants[:0])  # a transaction opened and closed, nothing in it
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(service_sqlite, "_tours_en_lot", commit_refuse)
    tours = await asyncio.gather(
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "c'est quoi le rsa")),
        service_sqlite.traiter_hors_boucle(Entrant("sms", NUMERO, "et combien ?")),
    )
    assert [t.reponse.intention for t in tours] == ["info_aide", "montant"]  # type: ignore[union-attr]
    assert [m.texte for m in messages(service_sqlite) if m.sens == "entrant"] == [
        "c'est quoi le rsa",
        "et combien ?",
    ]
