"""News of a changed conversation reaches every worker's consoles, once committed."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from sqlalchemy import text

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.contenus import Catalogue
from assistant.diffusion import Diffusion, signaler
from assistant.moteur import Moteur
from assistant.service import Entrant, ServiceDialogue
from tests.bases import url_postgres, url_postgres_isolee

MAINTENANT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def dans_un_fil(fonction) -> None:
    fil = threading.Thread(target=fonction)
    fil.start()
    fil.join(10)


async def prochaine(file: asyncio.Queue[int], delai: float = 5.0) -> int | None:
    try:
        return await asyncio.wait_for(file.get(), delai)
    except TimeoutError:
        return None


async def test_annonce_au_commit_jamais_apres_une_annulation(moteur_sql):
    diffusion = Diffusion(moteur_sql)
    diffusion.demarrer()
    try:
        if moteur_sql.dialect.name == "postgresql":
            assert await asyncio.to_thread(diffusion.ecoute.wait, 10)
        with diffusion.abonnement() as file:

            def annulee() -> None:
                with moteur_sql.connect() as connexion, connexion.begin() as transaction:
                    signaler(connexion, 41)
                    transaction.rollback()

            def validee() -> None:
                with moteur_sql.begin() as connexion:
                    signaler(connexion, 42)
                    connexion.execute(text("SELECT 1"))

            dans_un_fil(annulee)
            dans_un_fil(validee)
            assert await prochaine(file) == 42
            assert await prochaine(file, 0.3) is None
    finally:
        diffusion.arreter()


async def test_un_tour_sur_un_processus_est_entendu_par_l_autre(catalogue: Catalogue):
    """Two workers, each its own engine and listener, on one PostgreSQL database."""
    if url_postgres() is None:
        pytest.skip("RELAIS_TEST_POSTGRES_URL n'est pas défini : tests PostgreSQL non joués")
    url = url_postgres_isolee()
    premier, second = creer_moteur_sql(url), creer_moteur_sql(url)
    preparer_schema(premier)
    emetteur = Diffusion(premier)  # the first worker's own (kept by its application)
    ecoute = Diffusion(second)
    ecoute.demarrer()
    service = ServiceDialogue(
        Moteur.depuis_catalogue(catalogue), premier, horloge=lambda: MAINTENANT
    )
    try:
        assert await asyncio.to_thread(ecoute.ecoute.wait, 10)
        with ecoute.abonnement() as file:
            tour = await asyncio.to_thread(
                service.traiter, Entrant("sms", "+33639980001", "je veux un conseiller")
            )
            assert await prochaine(file) == tour.conversation_id
    finally:
        del emetteur
        ecoute.arreter()
        premier.dispose()
        second.dispose()


async def test_une_console_qui_ne_lit_plus_ne_retient_que_les_dernieres(moteur_sql):
    diffusion = Diffusion(moteur_sql)
    with diffusion.abonnement() as file:
        for numero in range(1005):
            diffusion.distribuer(numero)
        await asyncio.sleep(0.05)
        assert file.qsize() == 1000
        assert file.get_nowait() == 5
