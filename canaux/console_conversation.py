"""One conversation in the console: its history (live), and what an agent can do to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session, col, select

from assistant import console_service
from assistant.conseillers import Connecte, Conseiller
from assistant.console_service import ISSUES
from assistant.console_vue import VueConversation, vue_conversation
from assistant.contenus_console import ContenusConsole
from assistant.erreurs import RelaisErreur
from canaux.console_web import (
    Agent,
    AgentVerifie,
    Ctx,
    aller,
    contenus_console,
    est_fetch,
    page,
    securiser,
)
from canaux.contexte import Contexte

routeur = APIRouter()
Contenus = Annotated[ContenusConsole, Depends(contenus_console)]
Texte = Annotated[str, Form(max_length=5000)]


def _vue(ctx: Contexte, conversation_id: int) -> VueConversation:
    vue = vue_conversation(ctx.moteur_sql, conversation_id)
    if vue is None:
        raise HTTPException(404, "Cette conversation n'existe pas.")
    return vue


def _page_conversation(
    request: Request,
    ctx: Contexte,
    agent: Connecte,
    contenus: ContenusConsole,
    conversation_id: int,
    erreur: str | None = None,
    statut: int = 200,
) -> HTMLResponse:
    vue = _vue(ctx, conversation_id)
    titulaire = vue.titulaire.id if vue.titulaire else None
    with Session(ctx.moteur_sql) as session:
        collegues = session.exec(
            select(Conseiller)
            .where(col(Conseiller.actif).is_(True), col(Conseiller.id) != titulaire)
            .order_by(col(Conseiller.identifiant))
        ).all()
    valeurs: dict[str, Any] = {
        "vue": vue,
        "reponses": contenus.avec_resumes_des_aides(ctx.service.moteur.catalogue),
        "collegues": collegues,
        "issues": ISSUES,
        "erreur": erreur,
    }
    return page(request, "conversation.html", valeurs, agent, statut)


@routeur.get("/console/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation(
    request: Request, conversation_id: int, ctx: Ctx, agent: Agent, contenus: Contenus
) -> HTMLResponse:
    return _page_conversation(request, ctx, agent, contenus, conversation_id)


@routeur.get("/console/conversations/{conversation_id}/fil", response_class=HTMLResponse)
def fil(request: Request, conversation_id: int, ctx: Ctx, agent: Agent) -> HTMLResponse:
    return page(request, "_fil.html", {"vue": _vue(ctx, conversation_id)}, agent)


def _agir(
    request: Request,
    ctx: Contexte,
    agent: Connecte,
    contenus: ContenusConsole,
    conversation_id: int,
    action: Callable[[], object],
) -> Response:
    """Runs `action`; a refusal is shown on the conversation's page, nothing changed."""
    try:
        action()
    except RelaisErreur as refus:
        if est_fetch(request):
            return securiser(JSONResponse({"erreur": str(refus)}, status_code=409))
        return _page_conversation(
            request, ctx, agent, contenus, conversation_id, str(refus), statut=409
        )
    return aller(request, f"/console/conversations/{conversation_id}")


@routeur.post("/console/conversations/{conversation_id}/prendre")
def prendre(
    request: Request, conversation_id: int, ctx: Ctx, agent: AgentVerifie, contenus: Contenus
) -> Response:
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.prendre(
            ctx.moteur_sql, conversation_id, agent.conseiller, ctx.horloge()
        ),
    )


@routeur.post("/console/conversations/{conversation_id}/repondre")
def repondre(
    request: Request,
    conversation_id: int,
    ctx: Ctx,
    agent: AgentVerifie,
    contenus: Contenus,
    texte: Texte = "",
    modele: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    if not texte.strip() and modele:
        # Without script, choosing a prepared answer and sending an empty box sends it.
        reponses = contenus.avec_resumes_des_aides(ctx.service.moteur.catalogue)
        texte = next((r.texte for r in reponses if r.id == modele), "")
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.repondre(
            ctx.moteur_sql, conversation_id, agent.conseiller, texte, ctx.horloge()
        ),
    )


@routeur.post("/console/conversations/{conversation_id}/noter")
def noter(
    request: Request,
    conversation_id: int,
    ctx: Ctx,
    agent: AgentVerifie,
    contenus: Contenus,
    texte: Texte = "",
) -> Response:
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.noter(
            ctx.moteur_sql, conversation_id, agent.conseiller, texte, ctx.horloge()
        ),
    )


@routeur.post("/console/conversations/{conversation_id}/transferer")
def transferer(
    request: Request,
    conversation_id: int,
    ctx: Ctx,
    agent: AgentVerifie,
    contenus: Contenus,
    vers: Annotated[int, Form()] = 0,
) -> Response:
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.transferer(
            ctx.moteur_sql, conversation_id, agent.conseiller, vers, ctx.horloge()
        ),
    )


@routeur.post("/console/conversations/{conversation_id}/rendre")
def rendre(
    request: Request,
    conversation_id: int,
    ctx: Ctx,
    agent: AgentVerifie,
    contenus: Contenus,
    prevenir: Annotated[bool, Form()] = False,
) -> Response:
    avis = contenus.phrases.console_rendu_au_bot if prevenir else None
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.rendre(
            ctx.moteur_sql, conversation_id, agent.conseiller, ctx.horloge(), avis
        ),
    )


@routeur.post("/console/conversations/{conversation_id}/clore")
def clore(
    request: Request,
    conversation_id: int,
    ctx: Ctx,
    agent: AgentVerifie,
    contenus: Contenus,
    issue: Annotated[str, Form(max_length=40)] = "",
    prevenir: Annotated[bool, Form()] = False,
) -> Response:
    avis = contenus.phrases.console_clos if prevenir else None
    return _agir(
        request,
        ctx,
        agent,
        contenus,
        conversation_id,
        lambda: console_service.clore(
            ctx.moteur_sql, conversation_id, agent.conseiller, issue, ctx.horloge(), avis
        ),
    )


@routeur.post("/console/rappels/{rappel_id}/fait")
def rappel_fait(
    request: Request, rappel_id: int, ctx: Ctx, agent: AgentVerifie, contenus: Contenus
) -> Response:
    try:
        conversation_id = console_service.rappel_fait(
            ctx.moteur_sql, rappel_id, agent.conseiller, ctx.horloge()
        )
    except RelaisErreur as refus:
        if est_fetch(request):
            return securiser(JSONResponse({"erreur": str(refus)}, status_code=409))
        raise HTTPException(409, str(refus)) from None
    return aller(request, f"/console/conversations/{conversation_id}")
