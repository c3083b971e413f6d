"""`/console`: the agents' console, server-rendered, one router gathering its parts."""

from __future__ import annotations

from fastapi import APIRouter

from canaux import (
    console_accueil,
    console_auth,
    console_comptes,
    console_conversation,
    console_evenements,
)

routeur = APIRouter()
for partie in (
    console_auth,
    console_accueil,
    console_conversation,
    console_comptes,
    console_evenements,
):
    routeur.include_router(partie.routeur)
