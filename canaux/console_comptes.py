"""Administrators only: agent accounts (list, create, deactivate) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from assistant import conseillers
from assistant.conseillers import ROLES, CompteInvalide, Connecte
from assistant.console_modeles import dernieres_actions, journaliser
from assistant.modeles import en_utc
from canaux.console_web import Ctx, administrateur, administrateur_lecture, aller, page
from canaux.contexte import Contexte

routeur = APIRouter()
Admin = Annotated[Connecte, Depends(administrateur)]
AdminLecture = Annotated[Connecte, Depends(administrateur_lecture)]


def _page_comptes(
    request: Request, ctx: Contexte, agent: Connecte, erreur: str | None = None, statut: int = 200
) -> HTMLResponse:
    with Session(ctx.moteur_sql) as session:
        comptes = list(conseillers.lister(session))
    maintenant = ctx.horloge()
    bloques = {
        c.id for c in comptes if c.verrouille_jusqua and en_utc(c.verrouille_jusqua) > maintenant
    }
    valeurs = {"comptes": comptes, "bloques": bloques, "roles": ROLES, "erreur": erreur}
    return page(request, "comptes.html", valeurs, agent, statut)


@routeur.get("/console/comptes", response_class=HTMLResponse)
def comptes(request: Request, ctx: Ctx, agent: AdminLecture) -> HTMLResponse:
    return _page_comptes(request, ctx, agent)


@routeur.post("/console/comptes")
def creer(
    request: Request,
    ctx: Ctx,
    agent: Admin,
    identifiant: Annotated[str, Form(max_length=80)] = "",
    nom: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = conseillers.CONSEILLER,
    mot_de_passe: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    maintenant = ctx.horloge()
    try:
        with Session(ctx.moteur_sql) as session:
            compte = conseillers.creer_conseiller(
                session, identifiant, mot_de_passe, nom=nom, role=role, maintenant=maintenant
            )
            journaliser(
                session,
                agent.conseiller.id or 0,
                "creer_compte",
                maintenant,
                None,
                compte.identifiant,
            )
            session.commit()
    except CompteInvalide as refus:
        return _page_comptes(request, ctx, agent, str(refus), 422)
    return aller(request, "/console/comptes")


@routeur.post("/console/comptes/{conseiller_id}/desactiver")
def desactiver(request: Request, conseiller_id: int, ctx: Ctx, agent: Admin) -> Response:
    if conseiller_id == agent.conseiller.id:
        return _page_comptes(
            request, ctx, agent, "Vous ne pouvez pas désactiver votre compte.", 409
        )
    maintenant = ctx.horloge()
    try:
        with Session(ctx.moteur_sql) as session:
            compte = conseillers.desactiver(session, conseiller_id)
            conseillers.fermer_toutes(session, conseiller_id)
            journaliser(
                session,
                agent.conseiller.id or 0,
                "desactiver_compte",
                maintenant,
                None,
                compte.identifiant,
            )
            session.commit()
    except CompteInvalide as refus:
        return _page_comptes(request, ctx, agent, str(refus), 404)
    return aller(request, "/console/comptes")


@routeur.get("/console/journal", response_class=HTMLResponse)
def journal(request: Request, ctx: Ctx, agent: AdminLecture) -> HTMLResponse:
    with Session(ctx.moteur_sql) as session:
        actions = dernieres_actions(session)
        noms = {c.id: c.identifiant for c in conseillers.lister(session)}
    return page(request, "journal.html", {"actions": actions, "noms": noms}, agent)
