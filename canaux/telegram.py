"""Telegram through python-telegram-bot: the webhook in the web application, its declaration
at start-up, and long polling for a machine with no public URL (`relais telegram`).

Both modes hand every update to the same `AdaptateurTelegram`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import re
import signal
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Updater
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from assistant.config import Parametres
from assistant.contenus import charger_catalogue
from assistant.erreurs import ConfigurationInvalide, RelaisErreur
from assistant.service import ServiceDialogue
from canaux.contexte import Contexte, contexte
from canaux.telegram_adaptateur import COMMANDES, AdaptateurTelegram, PhrasesTelegram
from canaux.telegram_envoi import API_TELEGRAM

journal = logging.getLogger("relais.telegram")

CHEMIN = "/canaux/telegram"
ENTETE_SECRET = "X-Telegram-Bot-Api-Secret-Token"
# What the adapter reads; edited messages and channel posts are not even asked for.
MISES_A_JOUR = ["message", "callback_query", "my_chat_member"]
# Telegram's rule for secret_token.
_SECRET_VALIDE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# At start-up, flood control is waited out for this long at most.
ATTENTE_MAX_DEMARRAGE = 60.0

T = TypeVar("T")


def creer_bot(
    parametres: Parametres,
    requete: HTTPXRequest | None = None,
    requete_sondage: HTTPXRequest | None = None,
) -> Bot:
    """A Bot on TELEGRAM_API_URL (a local Bot API server, a test double) or Telegram's."""
    api = parametres.telegram_api_url or API_TELEGRAM
    return Bot(
        parametres.telegram_bot_token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=requete,
        get_updates_request=requete_sondage,
    )


@asynccontextmanager
async def bot_telegram(parametres: Parametres) -> AsyncIterator[Bot]:
    """A Bot whose HTTP clients are closed on exit. Bot.shutdown() closes them only after
    Bot.initialize(), which costs a getMe request: not needed to send."""
    requete, requete_sondage = HTTPXRequest(), HTTPXRequest(connection_pool_size=1)
    try:
        yield creer_bot(parametres, requete, requete_sondage)
    finally:
        await asyncio.gather(requete.shutdown(), requete_sondage.shutdown())


def secondes_d_attente(erreur: RetryAfter) -> float:
    with warnings.catch_warnings():
        # An int is deprecated in favour of a timedelta (PTB_TIMEDELTA): read both.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        valeur = erreur.retry_after
    return valeur.total_seconds() if isinstance(valeur, dt.timedelta) else float(valeur)


async def avec_patience(
    appel: Callable[[], Awaitable[T]], budget: float = ATTENTE_MAX_DEMARRAGE
) -> T:
    """`appel()`, waited out as Telegram asks after a 429, within `budget` seconds."""
    while True:
        try:
            return await appel()
        except RetryAfter as erreur:
            attente = secondes_d_attente(erreur)
            if attente > budget:
                raise
            budget -= max(attente, 1.0)
            journal.warning("Telegram demande d'attendre %.0f s", attente)
            await asyncio.sleep(attente)


async def enregistrer_commandes(bot: Bot, phrases: PhrasesTelegram) -> None:
    commandes = [BotCommand(nom, phrases.commandes[nom]) for nom in COMMANDES]
    await avec_patience(lambda: bot.set_my_commands(commandes))


# --- webhook ------------------------------------------------------------------------------


@asynccontextmanager
async def _vie(application: FastAPI) -> AsyncIterator[None]:
    """One adapter (and one Bot's HTTP clients) for the life of the web application."""
    ctx: Contexte | None = getattr(application.state, "relais", None)
    deja = getattr(application.state, "telegram", None) is not None  # router included twice
    if ctx is None or not ctx.parametres.telegram_bot_token or deja:
        yield
        return
    async with bot_telegram(ctx.parametres) as bot:
        application.state.telegram = AdaptateurTelegram(bot, ctx.service, ctx.metriques)
        try:
            yield
        finally:
            del application.state.telegram


routeur = APIRouter(lifespan=_vie)


def _adaptateur(application: FastAPI, ctx: Contexte) -> AdaptateurTelegram:
    adaptateur: AdaptateurTelegram | None = getattr(application.state, "telegram", None)
    if adaptateur is None:
        # Served without its lifespan: the Bot's HTTP clients then close with the process.
        adaptateur = AdaptateurTelegram(creer_bot(ctx.parametres), ctx.service, ctx.metriques)
        application.state.telegram = adaptateur
    return adaptateur


def secret_valide(recu: str | None, attendu: str) -> bool:
    if not attendu or recu is None:
        return False
    return hmac.compare_digest(recu.encode(), attendu.encode())


@routeur.post(CHEMIN)
async def recevoir(request: Request, ctx: Annotated[Contexte, Depends(contexte)]) -> Response:
    parametres = ctx.parametres
    if not parametres.telegram_bot_token or not secret_valide(
        request.headers.get(ENTETE_SECRET), parametres.telegram_secret
    ):
        journal.warning("webhook Telegram refusé : secret absent ou faux")
        return PlainTextResponse("Secret Telegram invalide.", status_code=403)
    adaptateur = _adaptateur(request.app, ctx)
    try:
        donnees = await request.json()
        update = Update.de_json(donnees, adaptateur.bot) if isinstance(donnees, dict) else None
    except (ValueError, KeyError, TypeError):
        update = None
    if update is None:
        return PlainTextResponse("Mise à jour Telegram illisible.", status_code=400)
    await adaptateur.traiter(update)
    return Response(status_code=200)


async def demarrer_telegram(parametres: Parametres) -> None:
    """Declares the webhook (with its secret) and the commands, when the application has a
    public URL. A wrong token or secret stops start-up; Telegram out of reach does not."""
    if not parametres.telegram_bot_token:
        raise ConfigurationInvalide(
            "Configuration invalide : TELEGRAM_BOT_TOKEN manque alors que le canal Telegram "
            "est activé."
        )
    if not parametres.relais_url_publique:
        journal.warning("RELAIS_URL_PUBLIQUE absent : webhook Telegram non déclaré")
        return
    secret = parametres.telegram_secret
    if not secret:
        raise ConfigurationInvalide(
            "Configuration invalide : TELEGRAM_SECRET manque alors que le canal Telegram "
            "est activé."
        )
    if not _SECRET_VALIDE.match(secret):
        raise ConfigurationInvalide(
            "Configuration invalide : TELEGRAM_SECRET doit faire de 1 à 256 caractères "
            "parmi A-Z, a-z, 0-9, _ et -."
        )
    phrases = PhrasesTelegram.depuis(charger_catalogue().phrases)
    url = parametres.relais_url_publique + CHEMIN
    async with bot_telegram(parametres) as bot:
        try:
            await avec_patience(
                lambda: bot.set_webhook(url=url, secret_token=secret, allowed_updates=MISES_A_JOUR)
            )
            await enregistrer_commandes(bot, phrases)
        except InvalidToken:
            raise ConfigurationInvalide(
                "Configuration invalide : TELEGRAM_BOT_TOKEN est refusé par Telegram."
            ) from None
        except TelegramError as erreur:
            # The webhook declared last time still stands; SMS and voice must start anyway.
            journal.error("webhook Telegram non déclaré : %s", type(erreur).__name__)
            return
    journal.info("webhook Telegram déclaré sur %s", url)


# --- long polling -------------------------------------------------------------------------


async def sonder(bot: Bot, adaptateur: AdaptateurTelegram, arret: asyncio.Event) -> None:
    """Fetch updates (getUpdates) and hand them to the adapter, one at a time, until `arret`.

    PTB's Updater deletes the webhook first, then retries and backs off on network errors.
    """
    file: asyncio.Queue[object] = asyncio.Queue()
    async with Updater(bot, file) as updater:
        await enregistrer_commandes(bot, adaptateur.phrases)
        await updater.start_polling(allowed_updates=MISES_A_JOUR)
        fin = asyncio.ensure_future(arret.wait())
        try:
            while not arret.is_set():
                lecture = asyncio.ensure_future(file.get())
                await asyncio.wait({lecture, fin}, return_when=asyncio.FIRST_COMPLETED)
                if not lecture.done():
                    lecture.cancel()
                    break
                update = lecture.result()
                if isinstance(update, Update):
                    await adaptateur.traiter(update)
        finally:
            fin.cancel()
            if updater.running:
                await updater.stop()


async def _sonder_jusqu_au_signal(parametres: Parametres, service: ServiceDialogue) -> None:
    arret = asyncio.Event()
    boucle = asyncio.get_running_loop()
    signaux = (signal.SIGINT, signal.SIGTERM)
    for signal_arret in signaux:
        boucle.add_signal_handler(signal_arret, arret.set)
    try:
        async with bot_telegram(parametres) as bot:
            await sonder(bot, AdaptateurTelegram(bot, service), arret)
    finally:
        for signal_arret in signaux:
            boucle.remove_signal_handler(signal_arret)


def commande_polling(parametres: Parametres, service: ServiceDialogue) -> int:
    """`relais telegram`: the bot by long polling, until Ctrl+C or SIGTERM."""
    if not parametres.telegram_bot_token:
        raise ConfigurationInvalide("Configuration invalide : TELEGRAM_BOT_TOKEN manque.")
    print("Relais répond sur Telegram (polling). Ctrl+C pour arrêter.", flush=True)
    try:
        asyncio.run(_sonder_jusqu_au_signal(parametres, service))
    except InvalidToken:
        raise ConfigurationInvalide(
            "Configuration invalide : TELEGRAM_BOT_TOKEN est refusé par Telegram."
        ) from None
    except TelegramError as erreur:
        raise RelaisErreur(f"Telegram ne répond pas ({type(erreur).__name__}).") from None
    return 0
