"""The outbox: messages that are not answers to a request are stored, then sent, retried.

Several workers may share it: a row is claimed in a short transaction (FOR UPDATE SKIP LOCKED
on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises) and leased until `verrou_jusqua`. A worker
killed mid-send leaves the row `en_cours`; once the lease has expired another worker takes it
again. The send itself runs outside any transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Index, and_, or_
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.diffusion import signaler
from assistant.erreurs import RelaisErreur
from assistant.gsm import preparer_sms
from assistant.horaires import est_heure_calme, prochain_moment_permis
from assistant.modeles import Message, Personne, maintenant_utc

journal = logging.getLogger("relais.boite_envoi")

EN_ATTENTE = "en_attente"
EN_COURS = "en_cours"
ENVOYE = "envoye"
LIVRE = "livre"
ECHEC = "echec"
ANNULE = "annule"

MAX_TENTATIVES = 5
ATTENTE_INITIALE = dt.timedelta(seconds=30)
ATTENTE_MAX = dt.timedelta(hours=1)
RAISON_STOP = "STOP"
RAISON_SANS_EXPEDITEUR = "canal sans expéditeur"


class Envoi(SQLModel, table=True):
    """One message to send (one SMS part when a text was split)."""

    __table_args__ = (Index("ix_envoi_statut_prochain_essai", "statut", "prochain_essai"),)

    id: int | None = Field(default=None, primary_key=True)
    personne_id: int = Field(foreign_key="personne.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    canal: str = Field(max_length=20)
    destinataire: str = Field(max_length=64)
    texte: str
    proactif: bool = False
    statut: str = Field(default=EN_ATTENTE, max_length=12)
    tentatives: int = 0
    prochain_essai: dt.datetime = Field(default_factory=maintenant_utc)
    verrou_jusqua: dt.datetime | None = None
    # Why it failed or was cancelled; never the text.
    raison: str | None = Field(default=None, max_length=200)
    id_fournisseur: str | None = Field(default=None, unique=True, max_length=64)
    encodage: str | None = Field(default=None, max_length=8)
    segments: int | None = None
    message_id: int | None = Field(default=None, foreign_key="message.id")
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)
    envoye_le: dt.datetime | None = None


class EchecEnvoi(RelaisErreur):
    """A send failed; `definitif` when trying again cannot help (invalid number...)."""

    def __init__(
        self, raison: str, definitif: bool, reessayer_apres: dt.timedelta | None = None
    ) -> None:
        super().__init__(raison)
        self.raison = raison
        self.definitif = definitif
        # The provider's own "retry after" (Telegram's 429): no try before it.
        self.reessayer_apres = reessayer_apres


class Expediteur(Protocol):
    def envoyer(self, envoi: Envoi) -> str:
        """Send `envoi`; return the provider's id; raise EchecEnvoi."""
        ...


@dataclass
class RapportExpedition:
    envoyes: int = 0
    reessais: int = 0
    echecs: int = 0
    annules: int = 0
    reportes: int = 0

    @property
    def traites(self) -> int:
        return self.envoyes + self.reessais + self.echecs + self.annules + self.reportes


def deposer(
    session: Session,
    personne: Personne,
    texte: str,
    *,
    proactif: bool,
    maintenant: dt.datetime,
    conversation_id: int | None = None,
) -> list[Envoi]:
    """Store `texte` for `personne` in the caller's transaction (flushed, not committed).

    An SMS is transliterated and split as `preparer_sms` does: one Envoi per part. With a
    conversation, each part is also written to its history as an outbound Message.
    """
    if personne.id is None:
        session.add(personne)
        session.flush()
    parties: list[tuple[str, str | None, int | None]] = [(texte, None, None)]
    if personne.canal == "sms":
        parties = [(p.texte, p.encodage, p.segments) for p in preparer_sms(texte)]
    envois: list[Envoi] = []
    for partie, encodage, segments in parties:
        message: Message | None = None
        if conversation_id is not None:
            message = Message(
                conversation_id=conversation_id,
                sens="sortant",
                canal=personne.canal,
                horodatage=maintenant,
                texte=partie,
                encodage=encodage,
                segments=segments,
            )
            session.add(message)
            session.flush()
        envoi = Envoi(
            personne_id=personne.id or 0,
            conversation_id=conversation_id,
            canal=personne.canal,
            destinataire=personne.adresse,
            texte=partie,
            proactif=proactif,
            prochain_essai=maintenant,
            encodage=encodage,
            segments=segments,
            message_id=message.id if message else None,
            cree_le=maintenant,
        )
        session.add(envoi)
        envois.append(envoi)
    session.flush()
    return envois


def expedier(
    moteur_sql: Engine,
    expediteurs: Mapping[str, Expediteur],
    maintenant: dt.datetime,
    lot: int = 20,
    bail: dt.timedelta = dt.timedelta(seconds=60),
) -> RapportExpedition:
    """Claim up to `lot` due messages, send them, record each outcome."""
    rapport = RapportExpedition()
    for envoi in _reserver(moteur_sql, maintenant, lot, bail, rapport):
        expediteur = expediteurs.get(envoi.canal)
        try:
            if expediteur is None:
                raise EchecEnvoi(RAISON_SANS_EXPEDITEUR, definitif=True)
            resultat: str | EchecEnvoi = expediteur.envoyer(envoi)
        except EchecEnvoi as echec:
            resultat = echec
        except Exception as erreur:
            # A bug in one sender must not strand the rest of the batch.
            resultat = EchecEnvoi(f"erreur {type(erreur).__name__}", definitif=False)
        _consigner(moteur_sql, envoi, resultat, maintenant, rapport)
    return rapport


def _reserver(
    moteur_sql: Engine,
    maintenant: dt.datetime,
    lot: int,
    bail: dt.timedelta,
    rapport: RapportExpedition,
) -> Sequence[Envoi]:
    """Claim due rows in one short transaction; return those to send now."""
    dus = or_(
        and_(col(Envoi.statut) == EN_ATTENTE, col(Envoi.prochain_essai) <= maintenant),
        and_(col(Envoi.statut) == EN_COURS, col(Envoi.verrou_jusqua) < maintenant),
    )
    with Session(moteur_sql, expire_on_commit=False) as session:
        envois = session.exec(
            select(Envoi)
            .where(dus)
            .order_by(col(Envoi.id))
            .limit(lot)
            .with_for_update(skip_locked=True)
        ).all()
        ids = {e.personne_id for e in envois}
        desabonnes = set(
            session.exec(
                select(Personne.id).where(
                    col(Personne.id).in_(ids), col(Personne.desabonne).is_(True)
                )
            ).all()
        )
        a_envoyer: list[Envoi] = []
        for envoi in envois:
            if envoi.personne_id in desabonnes:
                _terminer(envoi, ANNULE, RAISON_STOP)
                rapport.annules += 1
            elif envoi.proactif and est_heure_calme(maintenant):
                envoi.statut, envoi.verrou_jusqua = EN_ATTENTE, None
                envoi.prochain_essai = prochain_moment_permis(maintenant)
                rapport.reportes += 1
                journal.info("envoi %s canal=%s reporte", envoi.id, envoi.canal)
            elif envoi.tentatives >= MAX_TENTATIVES:
                # Only a row whose worker died each time gets here: do not loop forever.
                _terminer(envoi, ECHEC, "tentatives épuisées")
                rapport.echecs += 1
            else:
                envoi.statut, envoi.verrou_jusqua = EN_COURS, maintenant + bail
                envoi.tentatives += 1
                a_envoyer.append(envoi)
            session.add(envoi)
        session.commit()
    return a_envoyer


def _terminer(envoi: Envoi, statut: str, raison: str | None) -> None:
    envoi.statut, envoi.raison, envoi.verrou_jusqua = statut, raison, None
    journal.info("envoi %s canal=%s %s raison=%s", envoi.id, envoi.canal, statut, raison)


def _consigner(
    moteur_sql: Engine,
    reserve: Envoi,
    resultat: str | EchecEnvoi,
    maintenant: dt.datetime,
    rapport: RapportExpedition,
) -> None:
    with Session(moteur_sql) as session:
        envoi = session.get(Envoi, reserve.id, with_for_update=True)
        # `tentatives` identifies the claim: if the lease expired and another worker took
        # the row since, the outcome is that worker's to record.
        if envoi is None or envoi.statut != EN_COURS or envoi.tentatives != reserve.tentatives:
            journal.warning("envoi %s canal=%s bail perdu", reserve.id, reserve.canal)
            return
        if isinstance(resultat, str):
            envoi.statut, envoi.verrou_jusqua = ENVOYE, None
            envoi.id_fournisseur, envoi.envoye_le, envoi.raison = resultat, maintenant, None
            rapport.envoyes += 1
            journal.info("envoi %s canal=%s envoye", envoi.id, envoi.canal)
        elif resultat.definitif or envoi.tentatives >= MAX_TENTATIVES:
            _terminer(envoi, ECHEC, resultat.raison)
            rapport.echecs += 1
        else:
            attente = min(ATTENTE_INITIALE * 2 ** (envoi.tentatives - 1), ATTENTE_MAX)
            if resultat.reessayer_apres is not None:
                attente = max(attente, resultat.reessayer_apres)
            envoi.statut, envoi.verrou_jusqua, envoi.raison = EN_ATTENTE, None, resultat.raison
            envoi.prochain_essai = maintenant + attente
            rapport.reessais += 1
            journal.info(
                "envoi %s canal=%s reessai dans %ss raison=%s",
                envoi.id,
                envoi.canal,
                int(attente.total_seconds()),
                resultat.raison,
            )
        session.add(envoi)
        _signaler_conversation(session, envoi)
        session.commit()


def _signaler_conversation(session: Session, envoi: Envoi) -> None:
    """An outbound message's state shows in its conversation in the console."""
    if envoi.conversation_id is not None:
        signaler(session.connection(), envoi.conversation_id)


# Twilio's MessageStatus, in the order a message goes through them.
_STATUTS_TWILIO = {
    "sent": ENVOYE,
    "delivered": LIVRE,
    "read": LIVRE,
    "undelivered": ECHEC,
    "failed": ECHEC,
}
_RANG = {EN_ATTENTE: 0, EN_COURS: 0, ENVOYE: 1, LIVRE: 2, ECHEC: 2, ANNULE: 2}


def enregistrer_statut(
    moteur_sql: Engine, id_fournisseur: str, statut_twilio: str, code_erreur: str | None
) -> bool:
    """Record a delivery status callback; False if no message has this provider id.

    Statuses arrive out of order: a status never replaces a later one (a late "sent" after
    "delivered" is ignored). queued/accepted/sending and unknown statuses change nothing.
    """
    with Session(moteur_sql) as session:
        envoi = session.exec(
            select(Envoi).where(Envoi.id_fournisseur == id_fournisseur).with_for_update()
        ).first()
        if envoi is None:
            return False
        statut = _STATUTS_TWILIO.get(statut_twilio.strip().lower())
        if statut is None or _RANG[statut] <= _RANG.get(envoi.statut, 0):
            return True
        envoi.statut = statut
        if statut == ECHEC:
            envoi.raison = f"Twilio {code_erreur or statut_twilio}"
        session.add(envoi)
        _signaler_conversation(session, envoi)
        session.commit()
        journal.info("envoi %s canal=%s %s (statut fournisseur)", envoi.id, envoi.canal, statut)
        return True
