"""The simulator's phone call: the voice menu played in the page, keys pressed on a keypad.

The same call flow as `/canaux/voix` (and `relais chat --canal voix`), without Twilio: what
the voice would say comes back as text. Calls in progress are kept in memory, a few at most.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.continuite import demarrer_appel
from assistant.telephones import normaliser_telephone
from canaux.contexte import Contexte, contexte
from canaux.terminal_voix import lire_ligne
from canaux.voix_document import TRANSFERER, Appelant, Document, Entree, EtatAppel
from canaux.voix_parcours import CANAL, Parcours

routeur = APIRouter()
APPELS_MAX = 50


class GesteAppel(BaseModel):
    numero: str = Field(max_length=40)
    # "decrocher" starts a call; "entree" is a line typed: keys, words, or nothing (silence).
    geste: Literal["decrocher", "entree"]
    appel: str = Field(default="", max_length=40)
    valeur: str = Field(default="", max_length=500)


class _Appel:
    def __init__(self, appelant: Appelant, etat: EtatAppel, document: Document) -> None:
        self.appelant, self.etat, self.document = appelant, etat, document


def _appels(request: Request) -> OrderedDict[str, _Appel]:
    if not hasattr(request.app.state, "appels_simules"):
        request.app.state.appels_simules = OrderedDict()
    appels: OrderedDict[str, _Appel] = request.app.state.appels_simules
    return appels


def _reponse(appel_id: str, document: Document, sms: Sequence[str], fini: bool) -> JSONResponse:
    fin = None
    if fini:
        fin = "transfert" if document.fin == TRANSFERER else "raccroche"
    return JSONResponse(
        {
            "appel": appel_id,
            "phrases": [phrase.texte for phrase in document.phrases],
            "sms": list(sms),
            "fin": fin,
            # What the keypad waits for: one key, a number ended by #, or 8 digits.
            "ecoute": document.ecoute,
        }
    )


@routeur.post("/simulateur/appel")
async def appel(
    geste: GesteAppel, request: Request, ctx: Annotated[Contexte, Depends(contexte)]
) -> JSONResponse:
    telephone = normaliser_telephone(geste.numero)
    if telephone is None:
        return JSONResponse({"erreur": "Ce numéro de téléphone n'est pas valide."}, 422)
    sms: list[str] = []

    def montrer_sms(_telephone: str, textes: Sequence[str], _conversation: int | None) -> bool:
        sms.extend(textes)
        return True

    parcours = Parcours(ctx.service, montrer_sms)
    appels = _appels(request)
    if geste.geste == "decrocher":
        appelant = Appelant.depuis(telephone, f"SIM{uuid.uuid4().hex}")
        reprise = await run_in_threadpool(
            demarrer_appel, ctx.moteur_sql, CANAL, appelant.adresse, telephone, ctx.horloge()
        )
        etape = await run_in_threadpool(parcours.decrocher, reprise)
        appel_id = uuid.uuid4().hex
        appels[appel_id] = _Appel(appelant, etape.etat, etape.document)
        while len(appels) > APPELS_MAX:
            appels.popitem(last=False)
        return _reponse(appel_id, etape.document, sms, etape.document.ecoute is None)
    en_cours = appels.get(geste.appel)
    if en_cours is None:
        return JSONResponse({"erreur": "Cet appel est terminé. Appelez de nouveau."}, 404)
    entree: Entree = lire_ligne(geste.valeur)
    if entree.silence and en_cours.document.sans_reponse:
        appels.pop(geste.appel, None)
        return _reponse(geste.appel, Document(en_cours.document.sans_reponse), sms, True)
    etape = await run_in_threadpool(parcours.suivre, en_cours.etat, entree, en_cours.appelant, None)
    fini = etape.document.ecoute is None
    if fini:
        appels.pop(geste.appel, None)
    else:
        en_cours.etat, en_cours.document = etape.etat, etape.document
    return _reponse(geste.appel, etape.document, sms, fini)
