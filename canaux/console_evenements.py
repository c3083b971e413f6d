"""`/console/evenements`: the ids of conversations that change, pushed to open consoles.

Server-sent events from this worker's `Diffusion`, which hears every worker's changes
through PostgreSQL. A stream lasts a few minutes, then the browser reconnects by itself,
and its session is checked again. The pages keep polling, more slowly while the stream is
open: a lost stream delays an update, it never hides one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from canaux.console_web import Agent, Ctx

routeur = APIRouter()
DUREE_FLUX = 300.0  # seconds before the browser reconnects (and its session is checked)
SIGNE_DE_VIE = 15.0  # seconds between comments that keep proxies from closing the stream


@routeur.get("/console/evenements")
async def evenements(request: Request, ctx: Ctx, _agent: Agent) -> StreamingResponse:
    async def flux() -> AsyncIterator[str]:
        fin = time.monotonic() + DUREE_FLUX
        with ctx.diffusion.abonnement() as file:
            yield "retry: 2000\n\n"
            while time.monotonic() < fin and not await request.is_disconnected():
                try:
                    conversation_id = await asyncio.wait_for(file.get(), SIGNE_DE_VIE)
                except TimeoutError:
                    yield ": en vie\n\n"
                    continue
                yield f"data: {conversation_id}\n\n"

    return StreamingResponse(
        flux(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
