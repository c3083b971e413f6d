"""Probes: `/sante` for load balancers, `/metriques` for Prometheus."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from canaux.contexte import Contexte, contexte

journal = logging.getLogger("relais.supervision")
routeur = APIRouter()


@routeur.get("/sante")
def sante(ctx: Annotated[Contexte, Depends(contexte)]) -> JSONResponse:
    try:
        with ctx.moteur_sql.connect() as connexion:
            connexion.execute(text("SELECT 1"))
    except SQLAlchemyError as erreur:
        journal.error("base injoignable: %s", type(erreur).__name__)
        return JSONResponse({"statut": "indisponible", "base": "injoignable"}, status_code=503)
    return JSONResponse({"statut": "ok", "base": "ok"})


@routeur.get("/metriques")
def metriques(ctx: Annotated[Contexte, Depends(contexte)]) -> Response:
    return Response(ctx.metriques.exposer(), media_type=CONTENT_TYPE_LATEST)
