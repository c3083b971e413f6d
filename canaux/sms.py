"""SMS and WhatsApp through Twilio: the webhook answers with TwiML, the status callback."""

from __future__ import annotations

import logging
import time
from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from assistant.boite_envoi import enregistrer_statut
from assistant.service import Entrant, Sortie
from assistant.telephones import normaliser_telephone
from canaux.contexte import Contexte, contexte
from canaux.twilio_signature import RequeteTwilio, requete_twilio_signee

journal = logging.getLogger("relais.sms")
routeur = APIRouter()
PREFIXE_WHATSAPP = "whatsapp:"
TWIML = "application/xml"
_ENTETE = '<?xml version="1.0" encoding="UTF-8"?>'


def adresse_et_canal(expediteur: str) -> tuple[str, str]:
    """`whatsapp:+33…` is WhatsApp; anything else SMS. Numbers are E.164 when they parse."""
    canal = "sms"
    if expediteur.lower().startswith(PREFIXE_WHATSAPP):
        canal, expediteur = "whatsapp", expediteur[len(PREFIXE_WHATSAPP) :]
    return canal, normaliser_telephone(expediteur) or expediteur.strip()


def twiml(sorties: tuple[Sortie, ...]) -> Response:
    """The replies as TwiML, byte for byte what twilio's `MessagingResponse` writes (tested
    against it). Written directly: its XML tree cost 0.15 ms a reply, a tenth of the
    whole turn (benchmarks/charge_http.py)."""
    if not sorties:
        return Response(_ENTETE + "<Response />", media_type=TWIML)
    messages = "".join(f"<Message>{escape(sortie.texte)}</Message>" for sortie in sorties)
    return Response(f"{_ENTETE}<Response>{messages}</Response>", media_type=TWIML)


async def recevoir(request: Request) -> Response:
    requete = await requete_twilio_signee(request)
    ctx = await contexte(request)
    expediteur, identifiant = requete.get("From").strip(), requete.get("MessageSid").strip()
    if not expediteur or not identifiant:
        return PlainTextResponse("Champs From et MessageSid requis.", status_code=400)
    canal, adresse = adresse_et_canal(expediteur)
    try:
        pieces_jointes = int(requete.get("NumMedia", "0") or 0)
    except ValueError:
        pieces_jointes = 0
    entrant = Entrant(
        canal=canal,
        adresse=adresse,
        texte=requete.get("Body"),
        id_externe=identifiant,
        pieces_jointes=pieces_jointes,
    )
    debut = time.perf_counter()
    # Twilio must get TwiML whatever happens: the person reads an apology, not silence.
    tour = await ctx.service.traiter_ou_s_excuser(entrant)
    ctx.metriques.compter_tour(canal, tour, time.perf_counter() - debut)
    return twiml(tour.sorties)


def monter(application: FastAPI) -> None:
    """The webhook on the application itself, then the other routes. The busiest route is a
    plain Starlette one: FastAPI's resolution of parameters and dependencies cost 0.1 ms a
    request (benchmarks/charge_http.py), and it has none to declare (its dependencies are
    called, not declared). On the application rather than in the router: an included
    router matches the path twice."""
    application.add_route("/canaux/sms", recevoir, methods=["POST"])
    application.include_router(routeur)


@routeur.post("/canaux/sms/statut")
async def statut(
    requete: Annotated[RequeteTwilio, Depends(requete_twilio_signee)],
    ctx: Annotated[Contexte, Depends(contexte)],
) -> Response:
    """Twilio's delivery status callback for a message sent from the outbox."""
    identifiant = requete.get("MessageSid").strip()
    statut_twilio = requete.get("MessageStatus").strip()
    if not identifiant or not statut_twilio:
        return PlainTextResponse("Champs MessageSid et MessageStatus requis.", status_code=400)
    connu = await run_in_threadpool(
        enregistrer_statut,
        ctx.moteur_sql,
        identifiant,
        statut_twilio,
        requete.get("ErrorCode") or None,
    )
    if not connu:
        journal.info("statut SMS pour un message inconnu")
    return Response(status_code=204)
