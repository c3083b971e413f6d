"""`/simulateur`: a page that plays a phone, through the same service as a real SMS webhook."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from assistant.service import Entrant
from assistant.telephones import normaliser_telephone
from canaux.contexte import Contexte, contexte

routeur = APIRouter()
pages = Jinja2Templates(directory=Path(__file__).parent / "pages")
NUMERO_PAR_DEFAUT = "06 39 98 01 01"


class MessageSimule(BaseModel):
    numero: str = Field(max_length=40)
    texte: str = Field(max_length=10_000)


@routeur.get("/simulateur", response_class=HTMLResponse)
def page(request: Request) -> HTMLResponse:
    return pages.TemplateResponse(request, "simulateur.html", {"numero": NUMERO_PAR_DEFAUT})


@routeur.post("/simulateur/message")
async def envoyer(
    message: MessageSimule, ctx: Annotated[Contexte, Depends(contexte)]
) -> JSONResponse:
    adresse = normaliser_telephone(message.numero)
    if adresse is None:
        return JSONResponse({"erreur": "Ce numéro de téléphone n'est pas valide."}, 422)
    entrant = Entrant("sms", adresse, message.texte, id_externe=f"SIM{uuid.uuid4().hex}")
    sorties = (await ctx.service.traiter_ou_s_excuser(entrant)).sorties
    reponses = [{"texte": s.texte, "encodage": s.encodage, "segments": s.segments} for s in sorties]
    return JSONResponse({"reponses": reponses})
