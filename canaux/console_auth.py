"""Logging in and out of the agent console."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from assistant import conseillers
from assistant.conseillers import DUREE_SESSION, ConnexionRefusee
from assistant.console_modeles import journaliser
from assistant.ouverture import PARIS
from canaux.console_web import (
    CHEMIN,
    COOKIE_CONNEXION,
    COOKIE_SESSION,
    AgentVerifie,
    Ctx,
    jeton_de_session,
    lire_signe,
    page,
    poser_cookie,
    securiser,
)

journal = logging.getLogger("relais.console")
routeur = APIRouter()
DUREE_FORMULAIRE = dt.timedelta(hours=1)


def _suite_sure(suite: str) -> str:
    """Only back into the console: never an open redirect."""
    if suite.startswith(CHEMIN) and not suite.startswith("//") and "\\" not in suite:
        return suite
    return CHEMIN


def _formulaire(
    request: Request, suite: str, erreur: str | None = None, statut: int = 200
) -> HTMLResponse:
    jeton = secrets.token_urlsafe(24)
    reponse = page(
        request,
        "connexion.html",
        {"jeton": jeton, "suite": _suite_sure(suite), "erreur": erreur},
        statut=statut,
    )
    poser_cookie(request, reponse, COOKIE_CONNEXION, jeton, DUREE_FORMULAIRE)
    return reponse


@routeur.get("/console/connexion", response_class=HTMLResponse)
def formulaire(request: Request, ctx: Ctx, suite: str = CHEMIN) -> Response:
    jeton = jeton_de_session(request)
    if jeton and conseillers.retrouver(ctx.moteur_sql, jeton, ctx.horloge()):
        return securiser(RedirectResponse(_suite_sure(suite), status_code=303))
    return _formulaire(request, suite)


@routeur.post("/console/connexion", response_class=HTMLResponse)
def connexion(
    request: Request,
    ctx: Ctx,
    identifiant: Annotated[str, Form(max_length=80)] = "",
    mot_de_passe: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    suite: Annotated[str, Form(max_length=300)] = CHEMIN,
) -> Response:
    attendu = lire_signe(request, COOKIE_CONNEXION, DUREE_FORMULAIRE)
    if not attendu or not hmac.compare_digest(csrf.encode(), attendu.encode()):
        return _formulaire(
            request, suite, "Le formulaire a expiré : recommencez, s'il vous plaît.", 403
        )
    maintenant = ctx.horloge()
    try:
        agent = conseillers.authentifier(ctx.moteur_sql, identifiant, mot_de_passe, maintenant)
    except ConnexionRefusee as refus:
        journal.info("connexion refusee a la console")
        message = str(refus)
        if refus.jusqua is not None:
            message += f" Réessayez après {refus.jusqua.astimezone(PARIS).strftime('%H:%M')}."
        return _formulaire(request, suite, message, 401)
    with Session(ctx.moteur_sql) as session:
        journaliser(session, agent.id or 0, "connexion", maintenant)
        session.commit()
    jeton = conseillers.ouvrir(ctx.moteur_sql, agent.id or 0, maintenant)
    reponse = securiser(RedirectResponse(_suite_sure(suite), status_code=303))
    poser_cookie(request, reponse, COOKIE_SESSION, jeton, DUREE_SESSION)
    reponse.delete_cookie(COOKIE_CONNEXION, path=CHEMIN)
    return reponse


@routeur.post("/console/deconnexion")
def deconnexion(request: Request, ctx: Ctx, agent: AgentVerifie) -> Response:
    jeton = jeton_de_session(request)
    if jeton:
        conseillers.fermer(ctx.moteur_sql, jeton)
    with Session(ctx.moteur_sql) as session:
        journaliser(session, agent.conseiller.id or 0, "deconnexion", ctx.horloge())
        session.commit()
    reponse = securiser(RedirectResponse("/console/connexion", status_code=303))
    reponse.delete_cookie(COOKIE_SESSION, path=CHEMIN)
    return reponse
