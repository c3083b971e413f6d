"""One turn of conversation: load the conversation, ask the engine, save, hand back the reply.

Every turn runs in one transaction that holds the conversation: two messages of one
person never interleave, and a replayed message (same provider id) gets the reply
already given instead of a second turn.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as AttenteDuPoolDepassee

from assistant import tour_sql
from assistant.base import VerrouOccupe, sans_attendre
from assistant.confidentialite import empreinte
from assistant.conversations import en_reprenant_les_conflits
from assistant.entites import extraire_entites
from assistant.etat import EtatDialogue
from assistant.faits import DossierVu, Faits
from assistant.gsm import preparer_sms
from assistant.modeles import en_utc, maintenant_utc
from assistant.moteur import Moteur
from assistant.ouverture import Horaires
from assistant.rendu import FAMILLE_DU_CANAL, SMS, Rendeur
from assistant.reponse import (
    DESABONNER,
    REABONNER,
    TRANSMETTRE,
    Bloc,
    MessageEntrant,
    Reponse,
)
from assistant.secours import MessageGarde, Secours
from assistant.suivi_dossier import ALERTE, DIVULGUER, DUREE_VERROU, ECHEC_CONTROLE
from assistant.tour_sql import ConversationDuTour, PersonneDuTour, vue_dossier
from assistant.transfert import AVEC_UNE_PERSONNE, BOT, DEMANDER, transition

journal = logging.getLogger("relais.service")

# A text longer than this is cut before it is stored and understood.
LONGUEUR_MAX = 2000
HORAIRES_PAR_DEFAUT = "lun-ven 09:00-12:30,13:30-17:00"
# The most turns one SQLite transaction carries: a batch holds the loop while it runs.
TOURS_PAR_LOT = 32
# Answered even while a person handles the conversation.
_TOUJOURS_REPONDUES = ("urgence", "stop", "start")


@dataclass(frozen=True)
class Entrant:
    """A message as a channel adapter hands it over."""

    canal: str
    adresse: str
    texte: str
    id_externe: str | None = None
    choix: str | None = None
    pieces_jointes: int = 0


@dataclass(frozen=True)
class Sortie:
    """One outbound message, as rendered for the channel."""

    texte: str
    encodage: str | None = None
    segments: int | None = None


@dataclass(frozen=True)
class Tour:
    conversation_id: int | None  # None only for a turn that failed (`en_panne`)
    reponse: Reponse | None
    sorties: tuple[Sortie, ...]
    rejoue: bool = False
    en_panne: bool = False


class ServiceDialogue:
    def __init__(
        self,
        moteur: Moteur,
        moteur_sql: Engine,
        horloge: Callable[[], dt.datetime] = maintenant_utc,
        cle_empreinte: str = "relais",
        horaires: Horaires | None = None,
        secours: Secours | None = None,
    ) -> None:
        self.moteur = moteur
        self.secours = secours
        self.rendeur = Rendeur(moteur.catalogue)
        self.moteur_sql = moteur_sql
        self.horloge = horloge
        self.cle_empreinte = cle_empreinte
        self.horaires = horaires or Horaires.lire(HORAIRES_PAR_DEFAUT)
        # The turns' threads. SQLite runs one write transaction at a time: a turn that must
        # wait for it goes to one thread rather than to many that would only queue for the
        # lock and the GIL. PostgreSQL overlaps a few turns' round trips; more threads only
        # fight for the GIL (p99 125 -> 82 ms with 4 instead of 40, benchmarks/charge_http.py).
        self.sqlite = moteur_sql.dialect.name == "sqlite"
        self._fils = ThreadPoolExecutor(1 if self.sqlite else 4, "relais-tours")
        # The SQLite turns waiting for their batch, and the task that runs the batches (one
        # per event loop: tests run several loops, one after the other).
        self._a_traiter: list[tuple[Entrant, asyncio.Future[Tour]]] = []
        self._videur: tuple[asyncio.AbstractEventLoop, asyncio.Task[None]] | None = None

    async def traiter_hors_boucle(self, entrant: Entrant) -> Tour:
        """`traiter` for a caller on the event loop, which never waits for a lock.

        On SQLite, the turns that arrive together run together, in their order of arrival,
        in one transaction (`_tours_en_lot`): a turn cost 0.54 ms of server CPU with a
        transaction of its own, 0.39 ms in batches (benchmarks/charge_http.py, 16 clients).
        Each reply is handed back once the transaction is committed. A batch whose write
        lock is free runs at once on the loop, cheaper than a thread; if the lock is taken,
        it waits on the thread, and the turns arriving meanwhile wait behind it.
        """
        boucle = asyncio.get_running_loop()
        if not self.sqlite:
            return await boucle.run_in_executor(self._fils, self.traiter, entrant)
        attente: asyncio.Future[Tour] = boucle.create_future()
        self._a_traiter.append((entrant, attente))
        if self._videur is None or self._videur[0] is not boucle or self._videur[1].done():
            # Started after the steps already due on the loop: the turns that arrived with
            # this one are in the queue by then.
            self._videur = (boucle, boucle.create_task(self._vider()))
        return await attente

    async def _vider(self) -> None:
        # One more turn of the loop: the requests read meanwhile join this batch.
        await asyncio.sleep(0)
        while self._a_traiter:
            lot = self._a_traiter[:TOURS_PAR_LOT]
            del self._a_traiter[:TOURS_PAR_LOT]
            try:
                await self._traiter_lot(lot)
            finally:
                # Never leave a caller waiting, whatever stopped the batch.
                for _, attente in lot:
                    if not attente.done():
                        attente.set_exception(RuntimeError("tour interrompu"))

    async def _traiter_lot(self, lot: list[tuple[Entrant, asyncio.Future[Tour]]]) -> None:
        entrants = [entrant for entrant, _ in lot]
        tours: list[Tour] = []
        try:
            try:
                with sans_attendre():
                    tours = self._tours_en_lot(entrants)
            except VerrouOccupe:
                boucle = asyncio.get_running_loop()
                tours = await boucle.run_in_executor(self._fils, self._tours_en_lot, entrants)
        except Exception:
            # Nothing of the batch is stored (a commit that failed): each turn alone, below.
            journal.warning("lot de %d tours annule, repris un par un", len(lot))
        for rang, (entrant, attente) in enumerate(lot):
            if rang < len(tours):
                resultat: Tour | BaseException = tours[rang]
            else:
                # The turn that failed in the batch, and those after it, in their order.
                try:
                    resultat = await self._un_tour(entrant)
                except Exception as erreur:
                    resultat = erreur
            if attente.done():  # its caller has gone
                continue
            if isinstance(resultat, BaseException):
                attente.set_exception(resultat)
            else:
                attente.set_result(resultat)

    async def _un_tour(self, entrant: Entrant) -> Tour:
        try:
            with sans_attendre():
                return self.traiter(entrant)
        except VerrouOccupe:
            boucle = asyncio.get_running_loop()
            return await boucle.run_in_executor(self._fils, self.traiter, entrant)

    async def traiter_ou_s_excuser(self, entrant: Entrant) -> Tour:
        """`traiter_hors_boucle` for a channel that must answer whatever happens: a turn
        that fails is logged and answered with `reponse_en_panne`, marked `en_panne`."""
        try:
            return await self.traiter_hors_boucle(entrant)
        except Exception as erreur:
            journal.exception("tour en echec (canal=%s)", entrant.canal)
            reponse = self.reponse_en_panne(entrant, erreur)
            return Tour(None, reponse, self.rendre(reponse, entrant.canal), en_panne=True)

    def traiter(self, entrant: Entrant) -> Tour:
        # The first try does not look for a replay: the unique provider id refuses one when
        # its message is stored, and the transaction is rolled back whole. The tries after
        # a conflict look first, and answer a replay with the reply already given: one
        # round trip less for every other turn on PostgreSQL.
        essais = iter((False,))
        return en_reprenant_les_conflits(
            lambda: self._tour(entrant, chercher_le_rejeu=next(essais, True)),
            (IntegrityError, OperationalError),
        )

    def _tour(self, entrant: Entrant, chercher_le_rejeu: bool) -> Tour:
        with self.moteur_sql.begin() as connexion:
            tour = self._tour_dans(connexion, entrant, chercher_le_rejeu=chercher_le_rejeu)
        self._journaliser(entrant, tour)
        return tour

    def _tours_en_lot(self, entrants: list[Entrant]) -> list[Tour]:
        """The turns in order in one transaction, each within a savepoint; stops at the first
        that fails, which is rolled back alone. Returns the turns done, once committed."""
        tours: list[Tour] = []
        with self.moteur_sql.begin() as connexion:
            pilote = connexion.connection.driver_connection
            assert pilote is not None
            for entrant in entrants:
                pilote.execute("SAVEPOINT tour")
                try:
                    # A replay is told by the unique provider id when its message is stored,
                    # rather than looked for first: one statement less for every other turn.
                    tours.append(self._tour_dans(connexion, entrant, chercher_le_rejeu=False))
                except IntegrityError:
                    pilote.execute("ROLLBACK TO tour")
                    rejeu = self._rejeu(connexion, entrant)
                    pilote.execute("RELEASE tour")
                    if rejeu is None:
                        break
                    tours.append(rejeu)
                    continue
                except Exception:
                    pilote.execute("ROLLBACK TO tour")
                    pilote.execute("RELEASE tour")
                    break
                pilote.execute("RELEASE tour")
        for entrant, tour in zip(entrants, tours, strict=False):
            self._journaliser(entrant, tour)
        return tours

    def _journaliser(self, entrant: Entrant, tour: Tour) -> None:
        if tour.rejoue:
            journal.info("rejeu ignore canal=%s", entrant.canal)
        elif tour.reponse is not None and journal.isEnabledFor(logging.INFO):
            journal.info(
                "tour canal=%s personne=%s intention=%s aide=%s",
                entrant.canal,
                empreinte(entrant.adresse, self.cle_empreinte),
                tour.reponse.intention,
                tour.reponse.aide,
            )

    def _rejeu(self, connexion: Connection, entrant: Entrant) -> Tour | None:
        """The turn already done for this provider id, answered again; None if there is none."""
        if entrant.id_externe is None:
            return None
        deja = tour_sql.deja_recu(connexion, entrant.canal, entrant.id_externe)
        if deja is None:
            return None
        sorties = tuple(Sortie(*ligne) for ligne in deja.reponses)
        return Tour(deja.conversation_id, None, sorties, rejoue=True)

    def _tour_dans(
        self, connexion: Connection, entrant: Entrant, chercher_le_rejeu: bool = True
    ) -> Tour:
        """One turn within the caller's transaction. Without `chercher_le_rejeu`, a replay
        fails on the unique provider id when its message is stored (IntegrityError)."""
        if len(entrant.texte) > LONGUEUR_MAX:
            entrant = replace(entrant, texte=entrant.texte[:LONGUEUR_MAX])
        maintenant = self.horloge()
        if chercher_le_rejeu and (rejeu := self._rejeu(connexion, entrant)) is not None:
            return rejeu
        personne, conversation = tour_sql.personne_et_conversation(
            connexion, entrant.canal, entrant.adresse, maintenant
        )
        etat = EtatDialogue.depuis_json(conversation.etat)
        faits = self._faits(connexion, personne, etat, entrant.texte, maintenant)
        decision = self.moteur.decider(
            etat,
            MessageEntrant(entrant.texte, entrant.choix, entrant.pieces_jointes),
            maintenant,
            faits,
        )
        reponse, nouvel_etat = decision.reponse, decision.etat
        if conversation.transfert in AVEC_UNE_PERSONNE and (
            reponse.intention not in _TOUJOURS_REPONDUES
        ):
            # A person answers this conversation now: the message waits for them.
            reponse = replace(reponse, blocs=(), choix=(), actions=())
            nouvel_etat = etat
        if personne.desabonne and not reponse.action(REABONNER):
            reponse = self._pour_desabonne(reponse)
        desabonne_avant = personne.desabonne
        reponse = self._appliquer_actions(reponse, personne, conversation, maintenant)
        self._tracer_dossiers(connexion, reponse, conversation.id, entrant.canal, maintenant)

        sorties = self.rendre(reponse, entrant.canal)
        commun = {"conversation_id": conversation.id, "canal": entrant.canal}
        tour_sql.enregistrer_messages(
            connexion,
            _message_recu(commun, maintenant, entrant.texte, entrant.id_externe, reponse),
            [
                commun
                | {
                    "sens": "sortant",
                    "horodatage": maintenant,
                    "texte": sortie.texte,
                    "encodage": sortie.encodage,
                    "segments": sortie.segments,
                }
                for sortie in sorties
            ],
        )
        if nouvel_etat != etat:  # a turn that leaves the state as it was writes it as it was
            conversation.etat = nouvel_etat.vers_json()
        conversation.version += 1
        tour_sql.sauver_conversation(connexion, conversation, maintenant)
        if personne.desabonne != desabonne_avant:
            tour_sql.sauver_desabonnement(connexion, personne)
        return Tour(conversation.id, reponse, sorties)

    def reponse_en_panne(self, entrant: Entrant, erreur: Exception) -> Reponse:
        """What `traiter` could not answer. When the database is unreachable the message is
        kept for later; an emergency still gets its numbers, anything else an apology."""
        maintenant = self.horloge()
        if self.secours is not None and isinstance(erreur, DBAPIError | AttenteDuPoolDepassee):
            self.secours.garder(
                MessageGarde(
                    entrant.canal,
                    entrant.adresse,
                    entrant.texte[:LONGUEUR_MAX],
                    entrant.id_externe,
                    entrant.pieces_jointes,
                    maintenant.isoformat(),
                )
            )
        excuses = Reponse((Bloc("indisponible"),))
        try:
            compris = self.moteur.decider(
                EtatDialogue(), MessageEntrant(entrant.texte[:LONGUEUR_MAX]), maintenant
            ).reponse
        except Exception:
            journal.exception("le moteur a echoue aussi")
            return excuses
        if compris.intention == "urgence":
            return Reponse(compris.blocs, intention="urgence")
        return excuses

    def reprendre_secours(self) -> int:
        """Stores the messages kept during an outage; returns how many. Stops at the first
        database error: the database is still down, the rest waits for the next call."""
        if self.secours is None:
            return 0
        repris = 0
        for chemin, garde in self.secours.en_attente():
            try:
                self._reprendre(garde)
            except (DBAPIError, AttenteDuPoolDepassee) as erreur:
                journal.info("reprise du secours remise a plus tard: %s", type(erreur).__name__)
                break
            except Exception:
                journal.exception("message du secours mis de cote")
                self.secours.mettre_de_cote(chemin)
                continue
            self.secours.retirer(chemin)
            repris += 1
        if repris:
            journal.warning("messages repris du secours: %d", repris)
        return repris

    def _reprendre(self, garde: MessageGarde) -> None:
        """One kept message into its conversation, with what it meant, once. It was never
        answered but by an apology: the state does not move, and an emergency goes to an
        agent."""
        maintenant = garde.instant
        with self.moteur_sql.begin() as connexion:
            if garde.id_externe is not None and tour_sql.deja_recu(
                connexion, garde.canal, garde.id_externe
            ):
                return
            personne, conversation = tour_sql.personne_et_conversation(
                connexion, garde.canal, garde.adresse, maintenant
            )
            etat = EtatDialogue.depuis_json(conversation.etat)
            reponse = self.moteur.decider(
                etat, MessageEntrant(garde.texte, None, garde.pieces_jointes), maintenant
            ).reponse
            if reponse.intention == "urgence":
                transferts = tuple(a for a in reponse.actions if a.type == TRANSMETTRE)
                self._appliquer_actions(
                    Reponse((), actions=transferts), personne, conversation, maintenant
                )
            commun = {"conversation_id": conversation.id, "canal": garde.canal}
            recu = _message_recu(commun, maintenant, garde.texte, garde.id_externe, reponse)
            tour_sql.enregistrer_messages(connexion, recu, [])
            conversation.version += 1
            tour_sql.sauver_conversation(connexion, conversation, self.horloge())

    def lier_telephone(self, canal: str, adresse: str, telephone: str) -> None:
        """A phone number proven to belong to this address (e.g. a Telegram contact of one's
        own): the address joins the history and files of that phone."""
        with self.moteur_sql.begin() as connexion:
            personne = tour_sql.personne_verrouillee(connexion, canal, adresse, self.horloge())
            tour_sql.lier_telephone(connexion, personne.id, telephone)

    def rendre(self, reponse: Reponse, canal: str) -> tuple[Sortie, ...]:
        if not reponse.blocs:
            return ()
        famille = FAMILLE_DU_CANAL.get(canal, SMS)
        texte = self.rendeur.rendre(reponse, famille)
        if famille == SMS:
            return tuple(Sortie(p.texte, p.encodage, p.segments) for p in preparer_sms(texte))
        return (Sortie(texte),)

    # --- helpers ----------------------------------------------------------------------

    def _faits(
        self,
        connexion: Connection,
        personne: PersonneDuTour,
        etat: EtatDialogue,
        texte: str,
        maintenant: dt.datetime,
    ) -> Faits:
        """The person's files, and the file whose number is given or awaited."""

        def trouver_dossiers() -> tuple[DossierVu, ...]:
            if not personne.telephone:
                return ()
            return tour_sql.dossiers_du_telephone(connexion, personne.telephone)

        numero = extraire_entites(texte, maintenant.year).numero_dossier or etat.donnees.get(
            "numero"
        )
        if not numero:
            return Faits(trouver_dossiers, desabonne=personne.desabonne)
        cite = tour_sql.dossier_de_numero(connexion, str(numero))
        echecs = tour_sql.echecs_depuis(
            connexion, self._empreinte(str(numero)), maintenant - DUREE_VERROU
        )
        return Faits(
            trouver_dossiers,
            dossier_cite=vue_dossier(cite) if cite else None,
            echecs_du_numero=tuple(en_utc(e) for e in echecs),
            desabonne=personne.desabonne,
        )

    def _empreinte(self, valeur: str) -> str:
        return empreinte(valeur, self.cle_empreinte)

    def _tracer_dossiers(
        self,
        connexion: Connection,
        reponse: Reponse,
        conversation_id: int,
        canal: str,
        maintenant: dt.datetime,
    ) -> None:
        """Audit of disclosures and failed checks; the opt-in to status SMS."""
        for action in reponse.actions:
            if action.type == ECHEC_CONTROLE and action.cible:
                tour_sql.enregistrer_echec(
                    connexion, self._empreinte(action.cible), conversation_id, maintenant
                )
                journal.info("controle d'identite en echec canal=%s", canal)
                continue
            if action.type not in (DIVULGUER, ALERTE) or not action.cible:
                continue
            dossier = tour_sql.dossier_de_numero(connexion, action.cible)
            if dossier is None:
                continue
            if action.type == DIVULGUER:
                tour_sql.enregistrer_divulgation(
                    connexion, dossier.id, conversation_id, canal, action.motif or "", maintenant
                )
            elif tour_sql.divulgue_ici(connexion, dossier.id, conversation_id):
                # Only someone who was told this file's status may choose its SMS alerts.
                tour_sql.choisir_alerte_sms(connexion, dossier.id, action.motif == "oui")

    def _pour_desabonne(self, reponse: Reponse) -> Reponse:
        """After STOP, only an emergency gets a full answer; anything else, how to come back."""
        if reponse.intention in ("urgence", "stop") or not reponse.blocs:
            return reponse
        return Reponse(
            (Bloc("desabonne"),),
            intention=reponse.intention,
            aide=reponse.aide,
            confiance=reponse.confiance,
        )

    def _appliquer_actions(
        self,
        reponse: Reponse,
        personne: PersonneDuTour,
        conversation: ConversationDuTour,
        maintenant: dt.datetime,
    ) -> Reponse:
        """Carries out the engine's actions; a new handoff says when a person will answer."""
        for action in reponse.actions:
            if action.type == DESABONNER:
                personne.desabonne = True
            elif action.type == REABONNER:
                personne.desabonne = False
            elif action.type == TRANSMETTRE:
                avant = conversation.transfert
                conversation.transfert = transition(avant, DEMANDER)
                conversation.priorite = max(conversation.priorite, action.priorite)
                if avant != BOT:
                    continue
                conversation.motif_transfert = action.motif
                conversation.attente_depuis = maintenant
                if action.motif != "urgence":
                    ouvert = self.horaires.est_ouvert(maintenant)
                    quand = Bloc(
                        "attente_conseiller",
                        donnees={
                            "ouvert": ouvert,
                            "reprise": self.horaires.prochaine_ouverture(maintenant),
                        },
                    )
                    reponse = replace(reponse, blocs=(*reponse.blocs, quand))
        return reponse


def _message_recu(
    commun: dict[str, Any],
    maintenant: dt.datetime,
    texte: str,
    id_externe: str | None,
    compris: Reponse,
) -> dict[str, Any]:
    """The row of an incoming message, with what was understood of it."""
    return commun | {
        "sens": "entrant",
        "horodatage": maintenant,
        "texte": texte,
        "id_externe": id_externe,
        "intention": compris.intention,
        "aide": compris.aide,
        "confiance": round(compris.confiance, 3),
    }
