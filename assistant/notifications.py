"""A short SMS to a person who opted in, when an import changes their file's status.

Proactive messages go through the outbox, which holds them during quiet hours and drops
them for a person who said STOP.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from sqlalchemy.engine import Connection
from sqlmodel import Session

from assistant.boite_envoi import deposer
from assistant.conversations import conversation_ouverte, personne_verrouillee
from assistant.dossiers import Dossier
from assistant.import_dossiers import ChangementStatut
from assistant.modeles import Conversation
from assistant.rendu import SMS, Rendeur
from assistant.reponse import Bloc, Reponse
from assistant.tour_sql import vue_dossier

journal = logging.getLogger("relais.notifications")


def notifier_changements(
    connexion: Connection,
    rendeur: Rendeur,
    changements: Iterable[ChangementStatut],
    maintenant: dt.datetime,
) -> int:
    """Queues one SMS per status change of a file whose holder opted in; returns how many.

    In the caller's transaction (the import's): the SMS are queued with the changes or not
    at all.
    """
    deposees = 0
    with Session(bind=connexion, join_transaction_mode="rollback_only") as session:
        for changement in changements:
            dossier = session.get(Dossier, changement.dossier_id)
            if dossier is None or not dossier.alerte_sms or not dossier.telephone:
                continue
            personne = personne_verrouillee(session, "sms", dossier.telephone)
            bloc = Bloc(
                "notification",
                dossier.aide,
                {"dossier": vue_dossier(dossier), "ancien_statut": changement.ancien_statut},
            )
            texte = rendeur.rendre(Reponse((bloc,)), SMS)
            deposer(
                session,
                personne,
                texte,
                proactif=True,
                maintenant=maintenant,
                conversation_id=_id_de(conversation_ouverte(session, personne)),
            )
            deposees += 1
        session.flush()
    journal.info("notifications de changement de statut deposees: %d", deposees)
    return deposees


def _id_de(conversation: Conversation | None) -> int | None:
    return conversation.id if conversation else None
