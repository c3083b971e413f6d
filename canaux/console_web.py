"""What every page of the agent console shares: templates, the session cookie, who is
logged in, the CSRF check, and the security headers."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Form, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

from assistant import conseillers
from assistant.conseillers import DUREE_SESSION, Connecte
from assistant.contenus_console import ContenusConsole, charger_contenus_console
from assistant.modeles import en_utc
from assistant.ouverture import PARIS
from canaux.contexte import Contexte, contexte

COOKIE_SESSION = "relais_console"
COOKIE_CONNEXION = "relais_console_connexion"  # the login form's own CSRF token
CHEMIN = "/console"
PAGE_CONNEXION = "/console/connexion"
CLE_SANS_CONFIGURATION = "relais-console-sans-cle"
journal = logging.getLogger("relais.console")

_environnement = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "pages" / "console"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
pages = Jinja2Templates(env=_environnement)


def heure(instant: dt.datetime | None) -> str:
    """14:05, or 28/11 14:05 when it is not today (Paris time)."""
    if instant is None:
        return ""
    local = en_utc(instant).astimezone(PARIS)
    if local.date() == dt.datetime.now(PARIS).date():
        return local.strftime("%H:%M")
    return local.strftime("%d/%m %H:%M")


def duree(ecart: dt.timedelta) -> str:
    minutes = int(ecart.total_seconds() // 60)
    if minutes < 1:
        return "moins d'1 min"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // (24 * 60)} j"


_environnement.filters["heure"] = heure
_environnement.filters["duree"] = duree

Ctx = Annotated[Contexte, Depends(contexte)]


def est_fetch(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


def _cle(request: Request) -> str:
    ctx: Contexte = request.app.state.relais
    if ctx.parametres.relais_secret_key:
        return ctx.parametres.relais_secret_key
    # A local trial without RELAIS_SECRET_KEY: a fixed key, the same in every worker. The
    # signature is a second lock only: a session is a 256-bit random token checked in the base.
    if not getattr(request.app.state, "cle_console_signalee", False):
        request.app.state.cle_console_signalee = True
        journal.warning("RELAIS_SECRET_KEY vide : cookies de la console signés d'une clé fixe")
    return CLE_SANS_CONFIGURATION


def _signeur(request: Request, sel: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_cle(request), salt=sel)


def signer(request: Request, valeur: str, sel: str = COOKIE_SESSION) -> str:
    return _signeur(request, sel).dumps(valeur)


def lire_signe(
    request: Request, nom: str, duree_max: dt.timedelta, sel: str | None = None
) -> str | None:
    brut = request.cookies.get(nom)
    if not brut:
        return None
    try:
        valeur = _signeur(request, sel or nom).loads(brut, max_age=int(duree_max.total_seconds()))
    except BadSignature:
        return None
    return valeur if isinstance(valeur, str) else None


def poser_cookie(
    request: Request, reponse: Response, nom: str, valeur: str, duree_max: dt.timedelta
) -> None:
    """HttpOnly, SameSite=Lax, Secure when the public URL is https, signed."""
    ctx: Contexte = request.app.state.relais
    reponse.set_cookie(
        nom,
        signer(request, valeur, nom),
        max_age=int(duree_max.total_seconds()),
        path=CHEMIN,
        httponly=True,
        samesite="lax",
        secure=ctx.parametres.relais_url_publique.startswith("https://"),
    )


def jeton_de_session(request: Request) -> str | None:
    return lire_signe(request, COOKIE_SESSION, DUREE_SESSION)


def connecte(request: Request, ctx: Ctx) -> Connecte:
    """The logged-in agent; otherwise to the login page (401 for a script)."""
    jeton = jeton_de_session(request)
    agent = conseillers.retrouver(ctx.moteur_sql, jeton, ctx.horloge()) if jeton else None
    if agent is None:
        if est_fetch(request):
            raise HTTPException(401, "Session terminée : reconnectez-vous.")
        suite = request.url.path if request.method == "GET" else CHEMIN
        raise HTTPException(303, headers={"Location": f"{PAGE_CONNEXION}?suite={suite}"})
    return agent


Agent = Annotated[Connecte, Depends(connecte)]


def verifie(
    agent: Agent,
    csrf: Annotated[str, Form()] = "",
    x_csrf_token: Annotated[str, Header()] = "",
) -> Connecte:
    """The logged-in agent of a POST that carries their session's CSRF token."""
    if not hmac.compare_digest((csrf or x_csrf_token).encode(), agent.csrf.encode()):
        raise HTTPException(403, "Jeton de sécurité (CSRF) absent ou invalide.")
    return agent


AgentVerifie = Annotated[Connecte, Depends(verifie)]


def administrateur(agent: AgentVerifie) -> Connecte:
    if not agent.conseiller.est_admin:
        raise HTTPException(403, "Réservé aux administrateurs.")
    return agent


def administrateur_lecture(agent: Agent) -> Connecte:
    if not agent.conseiller.est_admin:
        raise HTTPException(403, "Réservé aux administrateurs.")
    return agent


def contenus_console(request: Request) -> ContenusConsole:
    if not hasattr(request.app.state, "contenus_console"):
        request.app.state.contenus_console = charger_contenus_console()
    contenus: ContenusConsole = request.app.state.contenus_console
    return contenus


def securiser(reponse: Response, nonce: str | None = None) -> Response:
    """No framing, no foreign script or connection, nothing cached: pages hold personal data."""
    script = f"'nonce-{nonce}'" if nonce else "'none'"
    reponse.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {script}; style-src {script}; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    reponse.headers["X-Content-Type-Options"] = "nosniff"
    reponse.headers["Referrer-Policy"] = "same-origin"
    reponse.headers["Cache-Control"] = "no-store"
    return reponse


def page(
    request: Request,
    nom: str,
    valeurs: dict[str, Any],
    agent: Connecte | None = None,
    statut: int = 200,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    ctx: Contexte = request.app.state.relais
    contexte_page = {
        "agent": agent.conseiller if agent else None,
        "csrf": agent.csrf if agent else "",
        "nonce": nonce,
        "catalogue": ctx.service.moteur.catalogue,
        "maintenant": ctx.horloge(),
        "erreur": None,
        **valeurs,
    }
    reponse = pages.TemplateResponse(request, nom, contexte_page, status_code=statut)
    securiser(reponse, nonce)
    return reponse


def aller(request: Request, url: str) -> Response:
    """After a successful action: back to a page (a script gets `{"ok": true}`)."""
    if est_fetch(request):
        return securiser(JSONResponse({"ok": True}))
    return securiser(RedirectResponse(url, status_code=303))
