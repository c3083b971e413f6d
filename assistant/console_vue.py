"""One conversation as an agent sees it: the whole history across the person's channels,
their verified files, notes, callbacks, and the delivery state of each reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.boite_envoi import Envoi
from assistant.conseillers import Conseiller
from assistant.console_file import Resume, dossiers_divulgues, entrants_recents, resumer
from assistant.console_modeles import (
    ActionConseiller,
    Attribution,
    MessageConseiller,
    NoteInterne,
    TacheRappel,
)
from assistant.dossiers import Dossier
from assistant.modeles import Conversation, Message, Personne, en_utc

MESSAGE, NOTE, RAPPEL = "message", "note", "rappel"
EVENEMENTS_MAX = 300


@dataclass(frozen=True)
class Evenement:
    """One line of the history."""

    genre: str  # MESSAGE, NOTE or RAPPEL
    horodatage: dt.datetime
    texte: str
    conversation_id: int
    canal: str | None = None
    sens: str | None = None  # "entrant" or "sortant", for a message
    intention: str | None = None
    aide: str | None = None
    auteur: str | None = None  # the agent, for their messages, notes and callbacks
    envoi: str | None = None  # delivery state of an outbox message
    raison: str | None = None  # why it failed
    fait: bool = False  # for a callback
    ordre: int = 0  # the row id: order among events of the same instant


@dataclass
class VueConversation:
    conversation: Conversation
    personne: Personne
    canaux_lies: list[Personne]
    titulaire: Conseiller | None
    resume: Resume
    evenements: list[Evenement]
    dossiers: list[tuple[Dossier, str]] = field(default_factory=list)
    rappels: list[TacheRappel] = field(default_factory=list)
    issue: str | None = None
    attente_depuis: dt.datetime | None = None


def _personnes_liees(session: Session, personne: Personne) -> list[Personne]:
    """Every address of the same verified phone (only this one without a phone)."""
    if not personne.telephone:
        return [personne]
    return list(
        session.exec(
            select(Personne)
            .where(Personne.telephone == personne.telephone)
            .order_by(col(Personne.id))
        ).all()
    )


def vue_conversation(moteur_sql: Engine, conversation_id: int) -> VueConversation | None:
    with Session(moteur_sql) as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return None
        personne = session.get(Personne, conversation.personne_id)
        if personne is None:
            return None
        liees = _personnes_liees(session, personne)
        ids_conversations = [
            i
            for i in session.exec(
                select(Conversation.id).where(
                    col(Conversation.personne_id).in_([p.id for p in liees])
                )
            ).all()
            if i is not None
        ]
        noms = {c.id: c.affichage for c in session.exec(select(Conseiller)).all()}
        attribution = session.get(Attribution, conversation_id)
        titulaire = session.get(Conseiller, attribution.conseiller_id) if attribution else None
        issue = session.exec(
            select(ActionConseiller.detail)
            .where(
                ActionConseiller.conversation_id == conversation_id,
                ActionConseiller.action == "clore",
            )
            .order_by(col(ActionConseiller.id).desc())
        ).first()
        rappels = list(
            session.exec(
                select(TacheRappel)
                .where(col(TacheRappel.conversation_id).in_(ids_conversations))
                .order_by(col(TacheRappel.id))
            ).all()
        )
        dossiers: list[tuple[Dossier, str]] = []
        for liste in dossiers_divulgues(session, ids_conversations).values():
            dossiers.extend(d for d in liste if all(d[0].id != e[0].id for e in dossiers))
        return VueConversation(
            conversation=conversation,
            personne=personne,
            canaux_lies=liees,
            titulaire=titulaire,
            resume=resumer(
                entrants_recents(session, [conversation_id]).get(conversation_id, []),
                conversation.etat,
            ),
            evenements=_historique(session, ids_conversations, noms, rappels),
            dossiers=dossiers,
            rappels=rappels,
            issue=issue,
            attente_depuis=(
                en_utc(conversation.attente_depuis) if conversation.attente_depuis else None
            ),
        )


def _historique(
    session: Session,
    ids_conversations: list[int],
    noms: dict[int | None, str],
    rappels: list[TacheRappel],
) -> list[Evenement]:
    messages = list(
        session.exec(
            select(Message)
            .where(col(Message.conversation_id).in_(ids_conversations))
            .order_by(col(Message.id).desc())
            .limit(EVENEMENTS_MAX)
        ).all()
    )
    ids_messages = [m.id for m in messages]
    envois = {
        e.message_id: e
        for e in session.exec(select(Envoi).where(col(Envoi.message_id).in_(ids_messages))).all()
    }
    auteurs: dict[int | None, str | None] = {
        a.message_id: noms.get(a.conseiller_id)
        for a in session.exec(
            select(MessageConseiller).where(col(MessageConseiller.message_id).in_(ids_messages))
        ).all()
    }
    evenements = [
        Evenement(
            genre=MESSAGE,
            horodatage=en_utc(m.horodatage),
            texte=m.texte,
            conversation_id=m.conversation_id,
            canal=m.canal,
            sens=m.sens,
            intention=m.intention,
            aide=m.aide,
            auteur=auteurs.get(m.id),
            envoi=envois[m.id].statut if m.id in envois else None,
            raison=envois[m.id].raison if m.id in envois else None,
            ordre=m.id or 0,
        )
        for m in messages
    ]
    notes = session.exec(
        select(NoteInterne)
        .where(col(NoteInterne.conversation_id).in_(ids_conversations))
        .order_by(col(NoteInterne.id).desc())
        .limit(EVENEMENTS_MAX)
    ).all()
    evenements += [
        Evenement(
            genre=NOTE,
            horodatage=en_utc(n.horodatage),
            texte=n.texte,
            conversation_id=n.conversation_id,
            auteur=noms.get(n.conseiller_id),
            ordre=n.id or 0,
        )
        for n in notes
    ]
    evenements += [
        Evenement(
            genre=RAPPEL,
            horodatage=en_utc(r.cree_le),
            texte=r.texte,
            conversation_id=r.conversation_id,
            auteur=noms.get(r.cree_par),
            fait=r.fait_le is not None,
            ordre=r.id or 0,
        )
        for r in rappels
    ]
    # Same instant: a message before the notes and callbacks written about it.
    rang = {MESSAGE: 0, NOTE: 1, RAPPEL: 2}
    evenements.sort(key=lambda e: (e.horodatage, rang[e.genre], e.ordre))
    return evenements[-EVENEMENTS_MAX:]
