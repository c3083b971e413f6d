"""The console's home: the queue of waiting conversations, those in progress, callbacks.

The page polls `/console/file` (same filters) and swaps the list in without reloading.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from assistant.conseillers import Conseiller
from assistant.console_file import Filtres, en_cours, file_attente, rappels_a_faire
from canaux.console_web import Agent, Ctx, page
from canaux.contexte import Contexte

routeur = APIRouter()
Filtre = Annotated[str, Query(max_length=40)]


def donnees_file(ctx: Contexte, filtres: Filtres) -> dict[str, Any]:
    maintenant = ctx.horloge()
    tous = file_attente(ctx.moteur_sql, maintenant)
    with Session(ctx.moteur_sql) as session:
        noms = {c.id: c.affichage for c in session.exec(select(Conseiller)).all()}
    return {
        "elements": [e for e in tous if filtres.garde(e)],
        "total": len(tous),
        "en_cours": en_cours(ctx.moteur_sql, maintenant),
        "rappels": rappels_a_faire(ctx.moteur_sql),
        "noms": noms,
        "filtres": filtres,
    }


@routeur.get("/console", response_class=HTMLResponse)
def accueil(
    request: Request,
    ctx: Ctx,
    agent: Agent,
    canal: Filtre = "",
    aide: Filtre = "",
    motif: Filtre = "",
) -> HTMLResponse:
    return page(request, "file.html", donnees_file(ctx, Filtres(canal, aide, motif)), agent)


@routeur.get("/console/file", response_class=HTMLResponse)
def fragment(
    request: Request,
    ctx: Ctx,
    agent: Agent,
    canal: Filtre = "",
    aide: Filtre = "",
    motif: Filtre = "",
) -> HTMLResponse:
    return page(request, "_file.html", donnees_file(ctx, Filtres(canal, aide, motif)), agent)
