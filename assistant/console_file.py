"""The agents' queue: what each waiting conversation needs an agent to know first.

Reason, priority, channel, the aid and intent in question, whether the person was verified
and for which file, and a three-part summary built from the last messages (no model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.audit import Divulgation
from assistant.conseillers import Conseiller
from assistant.console_modeles import Attribution, TacheRappel
from assistant.dossiers import Dossier
from assistant.etat import EtatDialogue
from assistant.modeles import Conversation, Message, Personne, en_utc
from assistant.transfert import ATTENTE, CONSEILLER

# Intents that say nothing about what the person needs.
_SANS_OBJET = frozenset({"conseiller", "salutation", "menu", "remerciement", "stop", "start"})
_MESSAGES_LUS = 10
LONGUEUR_EXTRAIT = 160


@dataclass(frozen=True)
class Resume:
    """Three lines for the agent: what is asked, about which aid, the last words."""

    demande: str | None  # an intent id
    aide: str | None  # an aid id
    dernier_message: str | None


@dataclass(frozen=True)
class ElementFile:
    conversation_id: int
    motif: str | None
    priorite: int
    canal: str
    adresse: str
    attente_depuis: dt.datetime | None
    attente: dt.timedelta
    intention: str | None
    aide: str | None
    verifie: bool
    dossiers: tuple[str, ...]
    resume: Resume
    titulaire: str | None = None  # the agent who holds it, once taken


@dataclass(frozen=True)
class Filtres:
    canal: str = ""
    aide: str = ""
    motif: str = ""

    def garde(self, element: ElementFile) -> bool:
        return (
            (not self.canal or element.canal == self.canal)
            and (not self.aide or element.aide == self.aide)
            and (not self.motif or (element.motif or "") == self.motif)
        )


def extrait(texte: str, longueur: int = LONGUEUR_EXTRAIT) -> str:
    texte = " ".join(texte.split())
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def resumer(entrants: Sequence[Message], etat_json: str | None) -> Resume:
    """`entrants`: the person's last messages, newest first."""
    intentions = [m.intention for m in entrants if m.intention]
    if "urgence" in intentions:
        demande: str | None = "urgence"
    else:
        demande = next((i for i in intentions if i not in _SANS_OBJET), None)
        if demande is None and intentions:
            demande = intentions[0]
    aide = next((m.aide for m in entrants if m.aide), None)
    if aide is None:
        aide = EtatDialogue.depuis_json(etat_json).aide
    dernier = extrait(entrants[0].texte) if entrants else None
    return Resume(demande, aide, dernier)


def entrants_recents(
    session: Session, conversation_ids: Iterable[int], nombre: int = _MESSAGES_LUS
) -> dict[int, list[Message]]:
    """The last `nombre` incoming messages of each conversation, newest first."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    rang = (
        func.row_number()
        .over(partition_by=col(Message.conversation_id), order_by=col(Message.id).desc())
        .label("rang")
    )
    recents = (
        select(col(Message.id).label("id"), rang)
        .where(col(Message.conversation_id).in_(ids), Message.sens == "entrant")
        .subquery()
    )
    messages = session.exec(
        select(Message)
        .join(recents, recents.c.id == Message.id)
        .where(recents.c.rang <= nombre)
        .order_by(col(Message.id).desc())
    ).all()
    par_conversation: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        par_conversation[message.conversation_id].append(message)
    return par_conversation


def dossiers_divulgues(
    session: Session, conversation_ids: Iterable[int]
) -> dict[int, list[tuple[Dossier, str]]]:
    """The files whose status each conversation was told (so: verified), with the method."""
    ids = list(conversation_ids)
    resultat: dict[int, list[tuple[Dossier, str]]] = defaultdict(list)
    if not ids:
        return resultat
    lignes = session.exec(
        select(Divulgation, Dossier)
        .join(Dossier, col(Dossier.id) == Divulgation.dossier_id)
        .where(col(Divulgation.conversation_id).in_(ids))
        .order_by(col(Divulgation.id))
    ).all()
    for divulgation, dossier in lignes:
        deja = resultat[divulgation.conversation_id]
        if all(d.id != dossier.id for d, _ in deja):
            deja.append((dossier, divulgation.methode))
    return resultat


def _elements(session: Session, transfert: str, maintenant: dt.datetime) -> list[ElementFile]:
    requete = (
        select(Conversation, Personne, Conseiller)
        .join(Personne, col(Personne.id) == Conversation.personne_id)
        .join(Attribution, col(Attribution.conversation_id) == Conversation.id, isouter=True)
        .join(Conseiller, col(Conseiller.id) == Attribution.conseiller_id, isouter=True)
        .where(Conversation.transfert == transfert)
        .order_by(
            col(Conversation.priorite).desc(),
            col(Conversation.attente_depuis).asc().nulls_last(),
            col(Conversation.id),
        )
    )
    lignes = session.exec(requete).all()
    ids = [c.id or 0 for c, _, _ in lignes]
    entrants = entrants_recents(session, ids)
    dossiers = dossiers_divulgues(session, ids)
    elements = []
    for conversation, personne, titulaire in lignes:
        cid = conversation.id or 0
        resume = resumer(entrants.get(cid, []), conversation.etat)
        depuis = en_utc(conversation.attente_depuis) if conversation.attente_depuis else None
        elements.append(
            ElementFile(
                conversation_id=cid,
                motif=conversation.motif_transfert,
                priorite=conversation.priorite,
                canal=personne.canal,
                adresse=personne.adresse,
                attente_depuis=depuis,
                attente=max(maintenant - depuis, dt.timedelta(0)) if depuis else dt.timedelta(0),
                intention=resume.demande,
                aide=resume.aide,
                verifie=bool(dossiers.get(cid)),
                dossiers=tuple(d.numero for d, _ in dossiers.get(cid, [])),
                resume=resume,
                titulaire=titulaire.affichage if titulaire else None,
            )
        )
    return elements


def file_attente(
    moteur_sql: Engine, maintenant: dt.datetime, filtres: Filtres | None = None
) -> list[ElementFile]:
    """Waiting conversations, by priority then waiting time (longest first)."""
    filtres = filtres or Filtres()
    with Session(moteur_sql) as session:
        return [e for e in _elements(session, ATTENTE, maintenant) if filtres.garde(e)]


def en_cours(moteur_sql: Engine, maintenant: dt.datetime) -> list[ElementFile]:
    """Conversations an agent holds, with who holds them."""
    with Session(moteur_sql) as session:
        return _elements(session, CONSEILLER, maintenant)


def rappels_a_faire(moteur_sql: Engine) -> list[TacheRappel]:
    with Session(moteur_sql) as session:
        return list(
            session.exec(
                select(TacheRappel)
                .where(col(TacheRappel.fait_le).is_(None))
                .order_by(col(TacheRappel.id))
            ).all()
        )
