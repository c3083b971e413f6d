"""The statements of one dialogue turn, in SQLAlchemy Core, run on the driver.

A turn is every channel's hot path. Through the ORM its statements cost about ten times
what the database spends on them (unit of work, identity map, model validation), and
through `Connection.execute` still six times, so here each statement is built once, at
import, and run by `sql_direct`; rows come back as named tuples and small dataclasses.
The rest of the code keeps the ORM models; these statements use the same tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, bindparam, cast, func, insert, select, update

from assistant.audit import Divulgation, EchecControle
from assistant.diffusion import CANAL_PG, signaler
from assistant.dossiers import Dossier, pieces_du_texte
from assistant.faits import DossierVu
from assistant.modeles import Conversation, Message, Personne, table_de
from assistant.sql_direct import Directe, Insertion
from assistant.transfert import BOT, CLOS

PERSONNE = table_de(Personne)
CONVERSATION = table_de(Conversation)
MESSAGE = table_de(Message)
DOSSIER = table_de(Dossier)
DIVULGATION = table_de(Divulgation)
ECHEC = table_de(EchecControle)


# Channels whose address is a phone number: it is the person's phone.
CANAUX_TELEPHONE = ("sms", "whatsapp", "voix")


@dataclass
class PersonneDuTour:
    id: int
    telephone: str | None
    desabonne: bool


@dataclass
class ConversationDuTour:
    id: int
    etat: str
    transfert: str
    motif_transfert: str | None
    priorite: int
    attente_depuis: dt.datetime | None
    version: int

    def __post_init__(self) -> None:
        self._lue = self._modifiables()

    def _modifiables(self) -> tuple[Any, ...]:
        return tuple(getattr(self, nom) for nom in _MODIFIABLES)

    def changements(self) -> dict[str, Any]:
        """The columns changed since the row was read."""
        return {
            nom: apres
            for nom, avant, apres in zip(_MODIFIABLES, self._lue, self._modifiables(), strict=True)
            if apres != avant
        }


_MODIFIABLES = ("etat", "transfert", "motif_transfert", "priorite", "attente_depuis")


@dataclass(frozen=True)
class DejaRecu:
    conversation_id: int
    # Each reply as (texte, encodage, segments).
    reponses: tuple[tuple[str, str | None, int | None], ...]


_RECU = Directe(
    select(MESSAGE.c.id, MESSAGE.c.conversation_id).where(
        MESSAGE.c.canal == bindparam("canal"), MESSAGE.c.id_externe == bindparam("id_externe")
    )
)
_REPONSES = Directe(
    select(MESSAGE.c.texte, MESSAGE.c.encodage, MESSAGE.c.segments)
    .where(MESSAGE.c.reponse_a == bindparam("recu"))
    .order_by(MESSAGE.c.id)
)
# Locking the person serialises the turns of one person across processes, even before a
# conversation exists to lock (FOR UPDATE on PostgreSQL; SQLite locks the whole file).
_PERSONNE = Directe(
    select(PERSONNE.c.id, PERSONNE.c.telephone, PERSONNE.c.desabonne)
    .where(PERSONNE.c.canal == bindparam("canal"), PERSONNE.c.adresse == bindparam("adresse"))
    .with_for_update()
)
_COLONNES_CONVERSATION = (
    CONVERSATION.c.id,
    CONVERSATION.c.etat,
    CONVERSATION.c.transfert,
    CONVERSATION.c.motif_transfert,
    CONVERSATION.c.priorite,
    CONVERSATION.c.attente_depuis,
    CONVERSATION.c.version,
)
_CONVERSATION = Directe(
    select(*_COLONNES_CONVERSATION)
    .where(CONVERSATION.c.personne_id == bindparam("personne_id"), CONVERSATION.c.transfert != CLOS)
    .order_by(CONVERSATION.c.id.desc())
    .limit(1)
    .with_for_update()
)
# Both in one statement where row locks mean nothing: a SQLite transaction holds the whole
# file's write lock from its BEGIN IMMEDIATE. One statement a turn less (`personne_et_
# conversation`). The conversation's columns are those of `ConversationDuTour`, in order.
_AUTRE = CONVERSATION.alias("ouverte")
_DERNIERE_OUVERTE = (
    select(func.max(_AUTRE.c.id))
    .where(_AUTRE.c.personne_id == PERSONNE.c.id, _AUTRE.c.transfert != CLOS)
    .correlate(PERSONNE)
    .scalar_subquery()
)
_PERSONNE_ET_CONVERSATION = Directe(
    select(PERSONNE.c.id, PERSONNE.c.telephone, PERSONNE.c.desabonne, *_COLONNES_CONVERSATION)
    .select_from(PERSONNE.outerjoin(CONVERSATION, CONVERSATION.c.id == _DERNIERE_OUVERTE))
    .where(PERSONNE.c.canal == bindparam("canal"), PERSONNE.c.adresse == bindparam("adresse"))
)
_DOSSIERS_DU_TELEPHONE = Directe(
    select(DOSSIER).where(DOSSIER.c.telephone == bindparam("telephone")).order_by(DOSSIER.c.id)
)
_DOSSIER = Directe(select(DOSSIER).where(DOSSIER.c.numero == bindparam("numero")))
_ECHECS = Directe(
    select(ECHEC.c.horodatage).where(
        ECHEC.c.numero_empreinte == bindparam("empreinte"),
        ECHEC.c.horodatage > bindparam("depuis"),
    )
)
_DIVULGUE_ICI = Directe(
    select(DIVULGATION.c.id).where(
        DIVULGATION.c.dossier_id == bindparam("dossier"),
        DIVULGATION.c.conversation_id == bindparam("conversation"),
    )
)
# Parameters prefixed "b_" select the row; the others are the columns to SET.
_MAJ_CONVERSATION = Directe(update(CONVERSATION).where(CONVERSATION.c.id == bindparam("b_id")))
# On PostgreSQL the same UPDATE tells the consoles of every worker (`diffusion`): pg_notify
# in its RETURNING, delivered at commit, saves a round trip a turn.
_MAJ_CONVERSATION_SIGNALEE = Directe(
    update(CONVERSATION)
    .where(CONVERSATION.c.id == bindparam("b_id"))
    .returning(func.pg_notify(CANAL_PG, cast(CONVERSATION.c.id, String)))
)
_MAJ_PERSONNE = Directe(update(PERSONNE).where(PERSONNE.c.id == bindparam("b_id")))
_MAJ_DOSSIER = Directe(update(DOSSIER).where(DOSSIER.c.id == bindparam("b_id")))
_NOUVELLE_PERSONNE = Insertion(PERSONNE)
_NOUVELLE_CONVERSATION = Insertion(CONVERSATION)
_NOUVEAU_MESSAGE = Insertion(MESSAGE)
_REPONSE = Directe(insert(MESSAGE))
_NOUVEL_ECHEC = Directe(insert(ECHEC))
_NOUVELLE_DIVULGATION = Directe(insert(DIVULGATION))


def deja_recu(connexion: Connection, canal: str, id_externe: str) -> DejaRecu | None:
    """The message with this provider id if it was stored already, with its replies."""
    recu = _RECU.premiere(connexion, {"canal": canal, "id_externe": id_externe})
    if recu is None:
        return None
    lignes = _REPONSES.toutes(connexion, {"recu": recu.id})
    reponses = tuple((r.texte, r.encodage, r.segments) for r in lignes)
    return DejaRecu(recu.conversation_id, reponses)


def personne_et_conversation(
    connexion: Connection, canal: str, adresse: str, maintenant: dt.datetime
) -> tuple[PersonneDuTour, ConversationDuTour]:
    """`personne_verrouillee`, then `conversation_en_cours`: on SQLite in one statement."""
    if connexion.dialect.name != "sqlite":
        personne = personne_verrouillee(connexion, canal, adresse, maintenant)
        return personne, conversation_en_cours(connexion, personne.id, maintenant)
    ligne = _PERSONNE_ET_CONVERSATION.premiere(connexion, {"canal": canal, "adresse": adresse})
    if ligne is None:
        personne = _nouvelle_personne(connexion, canal, adresse, maintenant)
        return personne, _nouvelle_conversation(connexion, personne.id, maintenant)
    personne = PersonneDuTour(ligne[0], ligne[1], bool(ligne[2]))
    if ligne[3] is None:
        return personne, _nouvelle_conversation(connexion, personne.id, maintenant)
    return personne, ConversationDuTour(*ligne[3:])


def personne_verrouillee(
    connexion: Connection, canal: str, adresse: str, maintenant: dt.datetime
) -> PersonneDuTour:
    """The person behind this address, created if new, and locked."""
    ligne = _PERSONNE.premiere(connexion, {"canal": canal, "adresse": adresse})
    if ligne is not None:
        return PersonneDuTour(ligne.id, ligne.telephone, bool(ligne.desabonne))
    return _nouvelle_personne(connexion, canal, adresse, maintenant)


def _nouvelle_personne(
    connexion: Connection, canal: str, adresse: str, maintenant: dt.datetime
) -> PersonneDuTour:
    # A hidden caller's address is not a phone number (it does not start with "+").
    telephone = adresse if canal in CANAUX_TELEPHONE and adresse.startswith("+") else None
    cle = _NOUVELLE_PERSONNE.cle_inseree(
        connexion,
        {
            "canal": canal,
            "adresse": adresse,
            "telephone": telephone,
            "desabonne": False,
            "injoignable": False,
            "cree_le": maintenant,
        },
    )
    return PersonneDuTour(cle, telephone, False)


def conversation_ouverte(connexion: Connection, personne_id: int) -> ConversationDuTour | None:
    """The person's latest conversation that is not closed, locked; None if there is none."""
    ligne = _CONVERSATION.premiere(connexion, {"personne_id": personne_id})
    return ConversationDuTour(*ligne) if ligne is not None else None


def conversation_en_cours(
    connexion: Connection, personne_id: int, maintenant: dt.datetime
) -> ConversationDuTour:
    """The person's latest conversation that is not closed, locked; or a new one."""
    ouverte = conversation_ouverte(connexion, personne_id)
    if ouverte is not None:
        return ouverte
    return _nouvelle_conversation(connexion, personne_id, maintenant)


def _nouvelle_conversation(
    connexion: Connection, personne_id: int, maintenant: dt.datetime
) -> ConversationDuTour:
    valeurs: dict[str, Any] = {
        "personne_id": personne_id,
        "etat": "{}",
        "transfert": BOT,
        "motif_transfert": None,
        "priorite": 0,
        "attente_depuis": None,
        "version": 0,
        "ouverte_le": maintenant,
        "maj_le": maintenant,
    }
    cle = _NOUVELLE_CONVERSATION.cle_inseree(connexion, valeurs)
    return ConversationDuTour(cle, "{}", BOT, None, 0, None, 0)


def vue_dossier(dossier: Any) -> DossierVu:
    """A file as the engine sees it, from its model or its row (anything with its fields)."""
    return DossierVu(
        numero=dossier.numero,
        aide=dossier.aide,
        statut=dossier.statut,
        date_naissance=dossier.date_naissance,
        pieces_manquantes=tuple(pieces_du_texte(dossier.pieces_manquantes)),
        date_depot=dossier.date_depot,
        date_decision=dossier.date_decision,
        prochain_versement_date=dossier.prochain_versement_date,
        prochain_versement_montant=dossier.prochain_versement_montant,
        organisme=dossier.organisme,
        commentaire=dossier.commentaire,
        alerte_sms=dossier.alerte_sms,
        a_un_telephone=bool(dossier.telephone),
    )


def dossiers_du_telephone(connexion: Connection, telephone: str) -> tuple[DossierVu, ...]:
    lignes = _DOSSIERS_DU_TELEPHONE.toutes(connexion, {"telephone": telephone})
    return tuple(vue_dossier(ligne) for ligne in lignes)


def dossier_de_numero(connexion: Connection, numero: str) -> Any | None:
    """The file's row (its columns as attributes), or None."""
    return _DOSSIER.premiere(connexion, {"numero": numero})


def echecs_depuis(
    connexion: Connection, empreinte_numero: str, depuis: dt.datetime
) -> list[dt.datetime]:
    parametres = {"empreinte": empreinte_numero, "depuis": depuis}
    return [ligne.horodatage for ligne in _ECHECS.toutes(connexion, parametres)]


def enregistrer_echec(
    connexion: Connection, empreinte_numero: str, conversation_id: int, maintenant: dt.datetime
) -> None:
    _NOUVEL_ECHEC.executer(
        connexion,
        {
            "numero_empreinte": empreinte_numero,
            "conversation_id": conversation_id,
            "horodatage": maintenant,
        },
    )


def enregistrer_divulgation(
    connexion: Connection,
    dossier_id: int,
    conversation_id: int,
    canal: str,
    methode: str,
    maintenant: dt.datetime,
) -> None:
    _NOUVELLE_DIVULGATION.executer(
        connexion,
        {
            "horodatage": maintenant,
            "canal": canal,
            "dossier_id": dossier_id,
            "conversation_id": conversation_id,
            "methode": methode,
        },
    )


def divulgue_ici(connexion: Connection, dossier_id: int, conversation_id: int) -> bool:
    parametres = {"dossier": dossier_id, "conversation": conversation_id}
    return _DIVULGUE_ICI.premiere(connexion, parametres) is not None


def choisir_alerte_sms(connexion: Connection, dossier_id: int, alerte: bool) -> None:
    _MAJ_DOSSIER.executer(connexion, {"b_id": dossier_id, "alerte_sms": alerte})


def enregistrer_messages(
    connexion: Connection,
    recu: dict[str, Any],
    reponses: list[dict[str, Any]],
) -> int:
    """Stores the incoming message, then its replies pointing to it; returns its id.

    A replay that raced this turn fails here on the unique provider id.
    """
    id_recu = _NOUVEAU_MESSAGE.cle_inseree(connexion, recu)
    _REPONSE.executer_plusieurs(connexion, [r | {"reponse_a": id_recu} for r in reponses])
    return id_recu


def sauver_conversation(
    connexion: Connection, conversation: ConversationDuTour, maintenant: dt.datetime
) -> None:
    """Writes the turn's state, and says that the conversation changed (`signaler`); the
    version is bumped by every turn. Only the columns that changed are set: an indexed one
    (`transfert`) costs an index update even unchanged."""
    postgresql = connexion.dialect.name == "postgresql"
    (_MAJ_CONVERSATION_SIGNALEE if postgresql else _MAJ_CONVERSATION).executer(
        connexion,
        {
            "b_id": conversation.id,
            **conversation.changements(),
            "version": conversation.version,
            "maj_le": maintenant,
        },
    )
    if not postgresql:
        signaler(connexion, conversation.id)


def sauver_desabonnement(connexion: Connection, personne: PersonneDuTour) -> None:
    _MAJ_PERSONNE.executer(connexion, {"b_id": personne.id, "desabonne": personne.desabonne})


def lier_telephone(connexion: Connection, personne_id: int, telephone: str) -> None:
    _MAJ_PERSONNE.executer(connexion, {"b_id": personne_id, "telephone": telephone})
