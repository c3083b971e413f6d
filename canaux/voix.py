"""Phone calls through Twilio Voice: each step answers with TwiML, stored for replays.

`POST /canaux/voix` answers a call (step 0); every `<Gather>`, `<Dial>` or `<Redirect>` of
step N posts to `/canaux/voix/suite?etape=N+1`. A step is played once: its TwiML and the
menu state it leaves are stored by (CallSid, step), so a replay gets the same document
and the dialogue service sees one turn (its id is "CallSid:step").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from assistant import appels
from assistant.continuite import demarrer_appel
from canaux.contexte import Contexte, contexte
from canaux.twilio_signature import RequeteTwilio, requete_twilio_signee
from canaux.voix_document import Appelant, Entree, EtatAppel
from canaux.voix_parcours import CANAL, Etape, Parcours
from canaux.voix_twiml import Reglages, ecrire

journal = logging.getLogger("relais.voix")
routeur = APIRouter()
CHEMIN = "/canaux/voix"
CHEMIN_SUITE = "/canaux/voix/suite"
TWIML = "application/xml"
VOIX_PAR_DEFAUT = "Polly.Lea-Neural"


def parcours(ctx: Contexte) -> Parcours:
    def deposer_sms(telephone: str, textes: Sequence[str], conversation_id: int | None) -> bool:
        return appels.copie_sms(ctx.moteur_sql, telephone, textes, ctx.horloge(), conversation_id)

    return Parcours(ctx.service, deposer_sms)


def reglages(ctx: Contexte, indices: str) -> Reglages:
    parametres = ctx.parametres
    return Reglages(
        voix=getattr(parametres, "relais_voix", VOIX_PAR_DEFAUT) or VOIX_PAR_DEFAUT,
        url_suite=parametres.relais_url_publique + CHEMIN_SUITE,
        numero_conseillers=parametres.relais_numero_conseillers,
        indices=indices,
    )


def lire_entree(requete: RequeteTwilio, silence: bool) -> Entree:
    try:
        confiance: float | None = float(requete.get("Confidence"))
    except ValueError:
        confiance = None
    issue = requete.get("DialCallStatus") or requete.get("QueueResult") or None
    return Entree(
        touches=requete.get("Digits").strip(),
        parole=requete.get("SpeechResult").strip(),
        confiance=confiance,
        silence=silence,
        issue_transfert=issue,
    )


Signee = Annotated[RequeteTwilio, Depends(requete_twilio_signee)]


@routeur.post(CHEMIN)
async def decrocher(
    request: Request, requete: Signee, ctx: Annotated[Contexte, Depends(contexte)]
) -> Response:
    return await _repondre(request, requete, ctx, etape="0")


@routeur.post(CHEMIN_SUITE)
async def suite(
    request: Request, requete: Signee, ctx: Annotated[Contexte, Depends(contexte)]
) -> Response:
    return await _repondre(request, requete, ctx, etape=request.query_params.get("etape", ""))


async def _repondre(
    request: Request, requete: RequeteTwilio, ctx: Contexte, etape: str
) -> Response:
    call_sid = requete.get("CallSid").strip()
    if not call_sid or not etape.isdigit():
        return PlainTextResponse("Champ CallSid et paramètre etape requis.", status_code=400)
    numero = int(etape)
    appelant = Appelant.depuis(requete.get("From"), call_sid)
    entree = lire_entree(requete, silence=request.query_params.get("silence") == "1")
    try:
        twiml = await run_in_threadpool(_jouer, ctx, call_sid, numero, appelant, entree)
    except Exception:
        # Twilio must get TwiML whatever happens: the caller hears an apology, not a tone.
        journal.exception("étape d'appel en échec (étape %s)", numero)
        ctx.metriques.erreurs.labels(CANAL).inc()
        twiml = await run_in_threadpool(_excuses, ctx, call_sid, numero)
    return Response(twiml, media_type=TWIML)


def _jouer(ctx: Contexte, call_sid: str, numero: int, appelant: Appelant, entree: Entree) -> str:
    deja = appels.lire(ctx.moteur_sql, call_sid, numero)
    if deja is not None:
        ctx.metriques.rejeux.labels(CANAL).inc()
        return deja.twiml
    debut = time.perf_counter()
    menu = parcours(ctx)
    resultat: Etape
    if numero == 0:
        reprise = demarrer_appel(
            ctx.moteur_sql, CANAL, appelant.adresse, appelant.telephone, ctx.horloge()
        )
        resultat = menu.decrocher(reprise)
    else:
        precedent = appels.lire(ctx.moteur_sql, call_sid, numero - 1)
        etat = EtatAppel.depuis_json(precedent.etat if precedent else None)
        resultat = menu.suivre(etat, entree, appelant, f"{call_sid}:{numero}")
    if resultat.tour is not None:
        ctx.metriques.compter_tour(CANAL, resultat.tour, time.perf_counter() - debut)
    if resultat.rejoue:
        deja = appels.attendre(ctx.moteur_sql, call_sid, numero)
        if deja is not None:
            return deja.twiml
    twiml = ecrire(resultat.document, numero + 1, reglages(ctx, menu.indices))
    etat_json = resultat.etat.vers_json()
    return appels.enregistrer(
        ctx.moteur_sql, call_sid, numero, twiml, etat_json, ctx.horloge()
    ).twiml


def _excuses(ctx: Contexte, call_sid: str, numero: int) -> str:
    menu = parcours(ctx)
    twiml = ecrire(menu.excuses(), numero + 1, reglages(ctx, menu.indices))
    try:
        # Stored when the database allows it, so that a replay hears the same apology.
        twiml = appels.enregistrer(
            ctx.moteur_sql, call_sid, numero, twiml, EtatAppel().vers_json(), ctx.horloge()
        ).twiml
    except Exception:
        journal.warning("excuses non enregistrées (étape %s)", numero)
    return twiml
