"""One turn of conversation: load the conversation, ask the engine, save, hand back the reply.

Every turn runs in one transaction that holds the conversation: two messages of one
person never interleave, and a replayed message (same provider id) gets the reply
already given instead of a second turn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from assistant.confidentialite import empreinte
from assistant.etat import EtatDialogue
from assistant.gsm import preparer_sms
from assistant.modeles import TRANSFERT_BOT, Conversation, Message, Personne, maintenant_utc
from assistant.moteur import Moteur
from assistant.rendu import FAMILLE_DU_CANAL, SMS, Rendeur
from assistant.reponse import (
    DESABONNER,
    REABONNER,
    TRANSMETTRE,
    Bloc,
    MessageEntrant,
    Reponse,
)

journal = logging.getLogger("relais.service")

# Channels whose address is a phone number: it is the person's phone.
CANAUX_TELEPHONE = ("sms", "whatsapp", "voix")
# A text longer than this is cut before it is stored and understood.
LONGUEUR_MAX = 2000
_ESSAIS = 3


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
    conversation_id: int
    reponse: Reponse | None
    sorties: tuple[Sortie, ...]
    rejoue: bool = False


class ServiceDialogue:
    def __init__(
        self,
        moteur: Moteur,
        moteur_sql: Engine,
        horloge: Callable[[], dt.datetime] = maintenant_utc,
        cle_empreinte: str = "relais",
    ) -> None:
        self.moteur = moteur
        self.rendeur = Rendeur(moteur.catalogue)
        self.moteur_sql = moteur_sql
        self.horloge = horloge
        self.cle_empreinte = cle_empreinte

    def traiter(self, entrant: Entrant) -> Tour:
        entrant = replace(entrant, texte=entrant.texte[:LONGUEUR_MAX])
        for essai in range(_ESSAIS):
            try:
                return self._tour(entrant)
            except (IntegrityError, OperationalError) as erreur:
                # A concurrent turn created the same person or stored the same message first:
                # the next try sees it (and answers a replay with the reply already given).
                if essai == _ESSAIS - 1:
                    raise
                journal.info("tour repris apres conflit: %s", type(erreur).__name__)
        raise AssertionError("unreachable")

    def _tour(self, entrant: Entrant) -> Tour:
        with Session(self.moteur_sql, expire_on_commit=False) as session:
            if entrant.id_externe is not None:
                deja = self._reponses_deja_donnees(session, entrant)
                if deja is not None:
                    return deja
            personne = self._personne(session, entrant)
            conversation = self._conversation(session, personne)
            maintenant = self.horloge()
            recu = Message(
                conversation_id=conversation.id or 0,
                sens="entrant",
                canal=entrant.canal,
                horodatage=maintenant,
                texte=entrant.texte,
                id_externe=entrant.id_externe,
            )
            session.add(recu)
            session.flush()

            etat = EtatDialogue.depuis_json(conversation.etat)
            decision = self.moteur.decider(
                etat,
                MessageEntrant(entrant.texte, entrant.choix, entrant.pieces_jointes),
                maintenant,
            )
            reponse = decision.reponse
            if personne.desabonne and not reponse.action(REABONNER):
                reponse = self._pour_desabonne(reponse)
            self._appliquer_actions(reponse, personne, conversation)

            recu.intention, recu.aide, recu.confiance = (
                reponse.intention,
                reponse.aide,
                round(reponse.confiance, 3),
            )
            sorties = self.rendre(reponse, entrant.canal)
            for sortie in sorties:
                session.add(
                    Message(
                        conversation_id=conversation.id or 0,
                        sens="sortant",
                        canal=entrant.canal,
                        horodatage=maintenant,
                        texte=sortie.texte,
                        reponse_a=recu.id,
                        encodage=sortie.encodage,
                        segments=sortie.segments,
                    )
                )
            conversation.etat = decision.etat.vers_json()
            conversation.version += 1
            conversation.maj_le = maintenant
            session.add(conversation)
            session.add(personne)
            session.commit()
            journal.info(
                "tour canal=%s personne=%s intention=%s aide=%s",
                entrant.canal,
                empreinte(entrant.adresse, self.cle_empreinte),
                reponse.intention,
                reponse.aide,
            )
            return Tour(conversation.id or 0, reponse, sorties)

    def rendre(self, reponse: Reponse, canal: str) -> tuple[Sortie, ...]:
        famille = FAMILLE_DU_CANAL.get(canal, SMS)
        texte = self.rendeur.rendre(reponse, famille)
        if famille == SMS:
            return tuple(Sortie(p.texte, p.encodage, p.segments) for p in preparer_sms(texte))
        return (Sortie(texte),)

    # --- helpers ----------------------------------------------------------------------

    def _reponses_deja_donnees(self, session: Session, entrant: Entrant) -> Tour | None:
        recu = session.exec(
            select(Message).where(
                Message.canal == entrant.canal, Message.id_externe == entrant.id_externe
            )
        ).first()
        if recu is None:
            return None
        reponses = session.exec(
            select(Message).where(Message.reponse_a == recu.id).order_by(col(Message.id))
        ).all()
        sorties = tuple(Sortie(m.texte, m.encodage, m.segments) for m in reponses)
        journal.info("rejeu ignore canal=%s", entrant.canal)
        return Tour(recu.conversation_id, None, sorties, rejoue=True)

    def _personne(self, session: Session, entrant: Entrant) -> Personne:
        personne = session.exec(
            select(Personne).where(
                Personne.canal == entrant.canal, Personne.adresse == entrant.adresse
            )
        ).first()
        if personne is None:
            telephone = entrant.adresse if entrant.canal in CANAUX_TELEPHONE else None
            personne = Personne(canal=entrant.canal, adresse=entrant.adresse, telephone=telephone)
            session.add(personne)
            session.flush()
        return personne

    def _conversation(self, session: Session, personne: Personne) -> Conversation:
        conversation = session.exec(
            select(Conversation)
            .where(Conversation.personne_id == personne.id, Conversation.transfert != "clos")
            .order_by(col(Conversation.id).desc())
            .with_for_update()
        ).first()
        if conversation is None:
            conversation = Conversation(personne_id=personne.id or 0, transfert=TRANSFERT_BOT)
            session.add(conversation)
            session.flush()
        return conversation

    def _pour_desabonne(self, reponse: Reponse) -> Reponse:
        """After STOP, only an emergency gets a full answer; anything else, how to come back."""
        if reponse.intention in ("urgence", "stop"):
            return reponse
        return Reponse(
            (Bloc("desabonne"),),
            intention=reponse.intention,
            aide=reponse.aide,
            confiance=reponse.confiance,
        )

    @staticmethod
    def _appliquer_actions(
        reponse: Reponse, personne: Personne, conversation: Conversation
    ) -> None:
        for action in reponse.actions:
            if action.type == DESABONNER:
                personne.desabonne = True
            elif action.type == REABONNER:
                personne.desabonne = False
            elif action.type == TRANSMETTRE:
                conversation.priorite = max(conversation.priorite, action.priorite)
                if conversation.transfert == TRANSFERT_BOT:
                    conversation.transfert = "attente"
                    conversation.motif_transfert = action.motif
