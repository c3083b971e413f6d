"""The application factory: the one place that knows every part and wires them together."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from assistant.base import creer_moteur_sql
from assistant.config import Parametres, lire_parametres
from assistant.contenus import charger_catalogue
from assistant.modeles import maintenant_utc
from assistant.moteur import Moteur
from assistant.service import ServiceDialogue
from canaux import simulateur, sms, supervision
from canaux.contexte import Contexte
from canaux.metriques import Metriques

journal = logging.getLogger("relais.application")


def creer_application(
    parametres: Parametres | None = None,
    *,
    horloge: Callable[[], dt.datetime] = maintenant_utc,
) -> FastAPI:
    parametres = parametres or lire_parametres()
    moteur_sql = creer_moteur_sql(parametres.database_url)
    catalogue = charger_catalogue()
    service = ServiceDialogue(
        Moteur.depuis_catalogue(catalogue),
        moteur_sql,
        horloge=horloge,
        cle_empreinte=parametres.relais_secret_key or "relais",
    )
    application = FastAPI(title="Relais", docs_url=None, redoc_url=None)
    application.state.relais = Contexte(
        parametres=parametres,
        moteur_sql=moteur_sql,
        service=service,
        metriques=Metriques(),
        horloge=horloge,
    )
    application.include_router(supervision.routeur)
    application.include_router(simulateur.routeur)
    if "sms" in parametres.canaux_actifs:
        application.include_router(sms.routeur)

    @application.get("/", include_in_schema=False)
    def accueil() -> RedirectResponse:
        return RedirectResponse("/simulateur")

    journal.info("application prête, canaux: %s", ",".join(sorted(parametres.canaux_actifs)))
    return application
