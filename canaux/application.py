"""The application factory: the one place that knows every part and wires them together."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from assistant.base import creer_moteur_sql
from assistant.boite_envoi import Expediteur
from assistant.config import Parametres, lire_parametres
from assistant.contenus import charger_catalogue
from assistant.diffusion import Diffusion
from assistant.modeles import maintenant_utc
from assistant.moteur import Moteur
from assistant.points_de_controle import PointsDeControle
from assistant.secours import Secours
from assistant.service import ServiceDialogue
from canaux import console, simulateur, simulateur_appel, sms, supervision, telegram, voix
from canaux.contexte import Contexte
from canaux.expedition import Expedition
from canaux.metriques import Metriques
from canaux.telegram_envoi import ExpediteurTelegram
from canaux.twilio_envoi import ExpediteurTwilio

journal = logging.getLogger("relais.application")


SEUIL_JEUNES = 10_000  # new objects between two young collections (Python: 700)


def expediteurs(parametres: Parametres) -> dict[str, Expediteur]:
    """Who sends outbound messages, per channel, from the settings."""
    resultat: dict[str, Expediteur] = {}
    if "sms" in parametres.canaux_actifs:
        twilio = ExpediteurTwilio(
            parametres.twilio_account_sid,
            parametres.twilio_auth_token,
            parametres.twilio_numero,
            api_url=parametres.twilio_api_url,
            url_statut=parametres.relais_url_publique + "/canaux/sms/statut",
        )
        resultat["sms"] = resultat["whatsapp"] = twilio
    return resultat


def creer_application(
    parametres: Parametres | None = None,
    *,
    horloge: Callable[[], dt.datetime] = maintenant_utc,
    expedier_en_fond: bool = True,
) -> FastAPI:
    parametres = parametres or lire_parametres()
    moteur_sql = creer_moteur_sql(parametres.database_url)
    catalogue = charger_catalogue()
    cle_empreinte = parametres.relais_secret_key or "relais"
    service = ServiceDialogue(
        Moteur.depuis_catalogue(catalogue),
        moteur_sql,
        horloge=horloge,
        cle_empreinte=cle_empreinte,
        horaires=parametres.horaires,
        secours=Secours(parametres.relais_secours, cle_empreinte),
    )
    envoi = expediteurs(parametres)
    if "telegram" in parametres.canaux_actifs:
        envoi["telegram"] = ExpediteurTelegram(
            parametres.telegram_bot_token, moteur_sql, api_url=parametres.telegram_api_url
        )
    diffusion = Diffusion(moteur_sql)
    points_de_controle = PointsDeControle(moteur_sql)
    expedition = Expedition(moteur_sql, envoi, horloge=horloge, reprise=service.reprendre_secours)

    @asynccontextmanager
    async def cycle_de_vie(_application: FastAPI) -> AsyncIterator[None]:
        if "telegram" in parametres.canaux_actifs:
            await telegram.demarrer_telegram(parametres)
        if expedier_en_fond:
            expedition.start()
        diffusion.demarrer()
        points_de_controle.demarrer()
        # What is built by now (contents, lexicon, statements, templates) lives as long as
        # the process: out of the collector's sight, a full collection no longer walks it
        # each time (41 -> 16 µs of collection a request, benchmarks/cout_webhook.py). No
        # gc.collect() first: it cost 0.2 s at every start of a test application, and the
        # little garbage frozen with the rest goes back to the collector at `unfreeze`.
        gc.freeze()
        # Python's young collection, at 700 new objects, ran every twelve requests, set off
        # by the requests in flight, which are all alive: 7 µs a request of scanning for
        # nothing (benchmarks/cout_webhook.py). Garbage cycles wait for 10,000 instead.
        seuils = gc.get_threshold()
        gc.set_threshold(SEUIL_JEUNES, *seuils[1:])
        yield
        gc.set_threshold(*seuils)
        gc.unfreeze()
        points_de_controle.arreter()
        diffusion.arreter()
        expedition.arreter()

    application = FastAPI(
        title="Relais", docs_url=None, redoc_url=None, openapi_url=None, lifespan=cycle_de_vie
    )
    application.state.relais = Contexte(
        parametres=parametres,
        moteur_sql=moteur_sql,
        service=service,
        metriques=Metriques(),
        horloge=horloge,
        diffusion=diffusion,
    )
    # Routes are matched in order: the channels' webhooks, the busiest, come first.
    if "sms" in parametres.canaux_actifs:
        sms.monter(application)
    if "telegram" in parametres.canaux_actifs:
        application.include_router(telegram.routeur)
    if "voix" in parametres.canaux_actifs:
        application.include_router(voix.routeur)
    application.include_router(supervision.routeur)
    application.include_router(simulateur.routeur)
    application.include_router(simulateur_appel.routeur)
    application.include_router(console.routeur)

    @application.get("/", include_in_schema=False)
    def accueil() -> RedirectResponse:
        return RedirectResponse("/simulateur")

    journal.info("application prête, canaux: %s", ",".join(sorted(parametres.canaux_actifs)))
    return application
