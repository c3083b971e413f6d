"""Telegram updates as neutral messages for the shared engine, its replies as Telegram messages.

No dialogue logic here: commands become the words the engine knows, buttons carry the
choice values, and whatever Telegram sends that the engine cannot read gets a short phrase.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    ChatMemberUpdated,
    Contact,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from assistant.erreurs import ContenuInvalide
from assistant.reponse import Choix, Reponse
from assistant.service import Entrant, ServiceDialogue
from assistant.telephones import normaliser_telephone
from canaux.metriques import Metriques
from canaux.telegram_envoi import (
    CANAL,
    LONGUEUR_MAX,
    decouper,
    deposer_en_boite,
    longueur,
    marquer_injoignable,
    telephone_verifie,
)

journal = logging.getLogger("relais.telegram")

FAMILLE = "messagerie"
# Each command is sent to the engine as the words it already understands.
COMMANDES = {"start": "START", "menu": "menu", "conseiller": "conseiller", "stop": "STOP"}
# Once a phone is linked, the status question is asked again on the person's behalf.
TEXTE_STATUT = "ou en est mon dossier"
MAX_DONNEE_BOUTON = 64  # bytes of callback_data
# A choice value too long for a button: the button sends its number, as if typed.
PREFIXE_RANG = "#"
MAX_VUS = 10_000

Clavier = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class PhrasesTelegram:
    """The `telegram:` section of phrases.yaml."""

    commandes: Mapping[str, str]
    vocal: str
    position: str
    non_texte: str
    groupe: str
    contact_demande: str
    contact_bouton: str
    contact_merci: str
    contact_autre: str
    contact_invalide: str

    @classmethod
    def depuis(cls, phrases: Mapping[str, Any]) -> PhrasesTelegram:
        brut = phrases.get("telegram") or {}
        problemes = [
            f"phrases.yaml: telegram.{champ.name}: absent"
            for champ in fields(cls)
            if not brut.get(champ.name)
        ]
        commandes = brut.get("commandes")
        if isinstance(commandes, Mapping):
            problemes += [
                f"phrases.yaml: telegram.commandes.{nom}: absent"
                for nom in COMMANDES
                if not commandes.get(nom)
            ]
        if problemes:
            raise ContenuInvalide(problemes)
        return cls(**{champ.name: brut[champ.name] for champ in fields(cls)})


@dataclass(frozen=True)
class Sortant:
    """One Telegram message to send."""

    texte: str
    clavier: Clavier | None = None
    # What the outbox sends instead if this cannot go now (it shows no buttons); "" for nothing.
    repli: str | None = None

    @property
    def texte_de_repli(self) -> str:
        return self.texte if self.repli is None else self.repli


def doit_demander_contact(reponse: Reponse) -> bool:
    """Whether to offer the contact button with this reply. Until the engine says so itself
    (an action), any reply about an application's status does."""
    return reponse.intention == "statut_dossier"


def donnee_de_bouton(choix: Choix, rang: int) -> str:
    if len(choix.valeur.encode()) <= MAX_DONNEE_BOUTON:
        return choix.valeur
    return f"{PREFIXE_RANG}{rang}"


def clavier_de_choix(choix: tuple[Choix, ...]) -> InlineKeyboardMarkup | None:
    if not choix:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{rang}. {c.libelle}", callback_data=donnee_de_bouton(c, rang))]
            for rang, c in enumerate(choix, start=1)
        ]
    )


def texte_pour_le_moteur(texte: str) -> str:
    """`/menu` or `/menu@RelaisBot` -> "menu"; an unknown `/aide rsa` reads as "aide rsa"."""
    if not texte.startswith("/"):
        return texte
    commande = (texte[1:].split(maxsplit=1) or [""])[0]
    nom = commande.split("@", 1)[0].lower()
    return COMMANDES.get(nom, texte[1:])


class AdaptateurTelegram:
    def __init__(
        self, bot: Bot, service: ServiceDialogue, metriques: Metriques | None = None
    ) -> None:
        self.bot = bot
        self.service = service
        self.metriques = metriques
        self.phrases = PhrasesTelegram.depuis(service.moteur.catalogue.phrases)
        # Updates already handled here. Turns are deduplicated by the service; this also
        # covers the phrases sent without a turn (sticker, contact...).
        self._vus: OrderedDict[int, None] = OrderedDict()

    async def traiter(self, update: Update) -> None:
        """Handle one update; never raises (a webhook must answer 200 all the same)."""
        if update.update_id in self._vus:
            journal.info("rejeu ignore canal=telegram")
            return
        self._vus[update.update_id] = None
        if len(self._vus) > MAX_VUS:
            self._vus.popitem(last=False)
        try:
            await self._traiter(update)
        except Exception:
            journal.exception("mise a jour Telegram en echec")
            self._compter_erreur()

    async def _traiter(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._bouton(update.update_id, update.callback_query)
        elif update.my_chat_member is not None:
            await self._statut_du_bot(update.my_chat_member)
        elif update.message is not None:
            await self._message(update.update_id, update.message)
        # Edited messages, channel posts, anything else: nothing to answer.

    async def _message(self, update_id: int, message: Message) -> None:
        adresse = str(message.chat.id)
        if message.chat.type != ChatType.PRIVATE:
            # Only a command is addressed to the bot in a group; other messages are not ours.
            if message.text and message.text.startswith("/"):
                await self._envoyer(adresse, [Sortant(self.phrases.groupe, repli="")])
            return
        if message.contact is not None:
            await self._contact(update_id, message, message.contact)
        elif message.text is not None:
            texte = texte_pour_le_moteur(message.text)
            await self._tour(Entrant(CANAL, adresse, texte, id_externe=str(update_id)))
        elif message.photo or message.document or message.video or message.audio:
            entrant = Entrant(
                CANAL, adresse, message.caption or "", id_externe=str(update_id), pieces_jointes=1
            )
            await self._tour(entrant)
        elif message.voice or message.video_note:
            await self._envoyer(adresse, [Sortant(self.phrases.vocal, repli="")])
        elif message.location or message.venue:
            await self._envoyer(adresse, [Sortant(self.phrases.position, repli="")])
        elif message.effective_attachment is not None:
            await self._envoyer(adresse, [Sortant(self.phrases.non_texte, repli="")])

    async def _bouton(self, update_id: int, requete: CallbackQuery) -> None:
        try:
            await self.bot.answer_callback_query(requete.id)
        except TelegramError as erreur:
            # Too old, or already answered: the turn below still matters.
            journal.info("answerCallbackQuery refuse: %s", type(erreur).__name__)
        message = requete.message
        if message is not None and message.chat.type != ChatType.PRIVATE:
            return
        if not requete.data:
            return
        adresse = str(message.chat.id if message is not None else requete.from_user.id)
        rang = requete.data.removeprefix(PREFIXE_RANG)
        if requete.data.startswith(PREFIXE_RANG) and rang.isdigit():
            entrant = Entrant(CANAL, adresse, rang, id_externe=str(update_id))
        else:
            entrant = Entrant(CANAL, adresse, "", id_externe=str(update_id), choix=requete.data)
        await self._tour(entrant)

    async def _contact(self, update_id: int, message: Message, contact: Contact) -> None:
        """A shared contact is a verified phone only when it is the sender's own."""
        adresse = str(message.chat.id)
        expediteur = message.from_user
        if expediteur is None or contact.user_id != expediteur.id:
            autre = Sortant(self.phrases.contact_autre, self._clavier_contact(), repli="")
            await self._envoyer(adresse, [autre])
            return
        numero = contact.phone_number
        telephone = normaliser_telephone(numero if numero.startswith("+") else f"+{numero}")
        if telephone is None:
            invalide = Sortant(self.phrases.contact_invalide, ReplyKeyboardRemove(), repli="")
            await self._envoyer(adresse, [invalide])
            return
        await asyncio.to_thread(self.service.lier_telephone, CANAL, adresse, telephone)
        journal.info("telephone lie par contact Telegram")
        merci = Sortant(self.phrases.contact_merci, ReplyKeyboardRemove(), repli="")
        await self._envoyer(adresse, [merci])
        entrant = Entrant(CANAL, adresse, TEXTE_STATUT, id_externe=str(update_id))
        await self._tour(entrant, demander_contact=False)

    async def _statut_du_bot(self, changement: ChatMemberUpdated) -> None:
        if changement.chat.type != ChatType.PRIVATE:
            return
        statut = changement.new_chat_member.status
        if statut in (ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER):
            adresse, bloque = str(changement.chat.id), statut == ChatMemberStatus.BANNED
            await asyncio.to_thread(marquer_injoignable, self.service.moteur_sql, adresse, bloque)

    # --- one turn, and its reply ------------------------------------------------------

    async def _tour(self, entrant: Entrant, demander_contact: bool = True) -> None:
        debut = time.perf_counter()
        tour = await self.service.traiter_ou_s_excuser(entrant)
        if self.metriques is not None:
            self.metriques.compter_tour(CANAL, tour, time.perf_counter() - debut)
        if tour.rejoue or tour.reponse is None:
            return
        sortants = self.composer(tour.reponse)
        if tour.en_panne:
            # Without buttons, and without asking for a contact: the base may be down.
            await self._envoyer(entrant.adresse, [Sortant(s.texte, repli="") for s in sortants])
            return
        if demander_contact and doit_demander_contact(tour.reponse):
            verifie = await asyncio.to_thread(
                telephone_verifie, self.service.moteur_sql, entrant.adresse
            )
            if not verifie:
                sortants = self._avec_demande_de_contact(sortants)
        await self._envoyer(entrant.adresse, sortants)

    def composer(self, reponse: Reponse) -> list[Sortant]:
        """The reply as Telegram messages: the text without its numbered choices, which
        become buttons under the last message."""
        rendeur = self.service.rendeur
        morceaux = decouper(rendeur.rendre(reponse, FAMILLE, choix_en_texte=False))
        choix_en_texte = rendeur.rendre_choix(reponse.choix, FAMILLE)
        if not morceaux:
            morceaux = decouper(choix_en_texte)
        sortants = [Sortant(m) for m in morceaux]
        clavier = clavier_de_choix(reponse.choix)
        if clavier is not None and sortants:
            dernier = sortants[-1].texte
            sortants[-1] = Sortant(dernier, clavier, repli=f"{dernier}\n{choix_en_texte}")
        return sortants

    def _clavier_contact(self) -> ReplyKeyboardMarkup:
        bouton = KeyboardButton(self.phrases.contact_bouton, request_contact=True)
        return ReplyKeyboardMarkup([[bouton]], resize_keyboard=True, one_time_keyboard=True)

    def _avec_demande_de_contact(self, sortants: list[Sortant]) -> list[Sortant]:
        demande, clavier = self.phrases.contact_demande, self._clavier_contact()
        if sortants and sortants[-1].clavier is None:
            dernier = sortants[-1]
            texte = f"{dernier.texte}\n\n{demande}"
            if longueur(texte) <= LONGUEUR_MAX:
                return [*sortants[:-1], Sortant(texte, clavier, repli=dernier.texte)]
        return [*sortants, Sortant(demande, clavier, repli="")]

    async def _envoyer(self, adresse: str, sortants: list[Sortant]) -> None:
        """Send in order; stop at the first failure."""
        for rang, sortant in enumerate(sortants):
            try:
                await self.bot.send_message(adresse, sortant.texte, reply_markup=sortant.clavier)
            except Forbidden:
                journal.info("bot bloque: rien n'est envoye")
                await asyncio.to_thread(marquer_injoignable, self.service.moteur_sql, adresse)
                return
            except BadRequest as erreur:
                journal.warning("sendMessage refuse: %s", erreur.message)
                self._compter_erreur()
                return
            except (RetryAfter, NetworkError) as erreur:
                # The turn is stored and a replay gets no second answer: the outbox retries.
                journal.warning("sendMessage reporte: %s", type(erreur).__name__)
                reste = [s.texte_de_repli for s in sortants[rang:] if s.texte_de_repli]
                await asyncio.to_thread(
                    deposer_en_boite,
                    self.service.moteur_sql,
                    adresse,
                    reste,
                    self.service.horloge(),
                )
                return
            except TelegramError as erreur:
                journal.warning("sendMessage en echec: %s", type(erreur).__name__)
                self._compter_erreur()
                return

    def _compter_erreur(self) -> None:
        if self.metriques is not None:
            self.metriques.erreurs.labels(CANAL).inc()
