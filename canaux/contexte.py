"""What the application factory wires together, handed to every route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.engine import Engine

from assistant.config import Parametres
from assistant.diffusion import Diffusion
from assistant.service import ServiceDialogue
from canaux.metriques import Metriques


@dataclass
class Contexte:
    parametres: Parametres
    moteur_sql: Engine
    service: ServiceDialogue
    metriques: Metriques
    horloge: Callable[[], dt.datetime]
    diffusion: Diffusion


async def contexte(request: Request) -> Contexte:
    """A dependency; async because FastAPI runs a plain `def` one on the thread pool."""
    resultat: Contexte = request.app.state.relais
    return resultat
