"""Agent accounts: argon2 password hashes, roles, lockout after repeated failures, and the
login sessions, kept in the database so that logout and deactivation end them at once.

Only a hash of a session token is stored: a copy of the table opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.erreurs import RelaisErreur
from assistant.modeles import en_utc, maintenant_utc

CONSEILLER = "conseiller"
ADMIN = "admin"
ROLES = (CONSEILLER, ADMIN)

ECHECS_AVANT_VERROU = 5
DUREE_VERROU = dt.timedelta(minutes=15)
LONGUEUR_MIN_MOT_DE_PASSE = 10
DUREE_SESSION = dt.timedelta(hours=12)
_IDENTIFIANT = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

_hacheur = PasswordHasher()
# Checked when the account does not exist, so that an unknown name costs as long as a known one.
_EMPREINTE_LEURRE = _hacheur.hash("pas un vrai mot de passe")


class Conseiller(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    identifiant: str = Field(max_length=40, unique=True)
    nom: str = Field(default="", max_length=120)
    role: str = Field(default=CONSEILLER, max_length=20)
    mot_de_passe: str = Field(max_length=200)  # argon2 hash
    actif: bool = True
    echecs: int = 0
    verrouille_jusqua: dt.datetime | None = None
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)

    @property
    def est_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def affichage(self) -> str:
        return self.nom or self.identifiant


class CompteInvalide(RelaisErreur):
    """An account cannot be created or changed as asked; the message says why."""


class ConnexionRefusee(RelaisErreur):
    """Wrong name or password, inactive account, or a lockout (`jusqua`)."""

    def __init__(self, message: str, jusqua: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.jusqua = jusqua


def creer_conseiller(
    session: Session,
    identifiant: str,
    mot_de_passe: str,
    *,
    nom: str = "",
    role: str = CONSEILLER,
    maintenant: dt.datetime | None = None,
) -> Conseiller:
    """Adds an account in the caller's transaction (flushed); CompteInvalide if it cannot."""
    identifiant = identifiant.strip().lower()
    if not _IDENTIFIANT.match(identifiant):
        raise CompteInvalide(
            "L'identifiant doit faire 2 à 40 caractères : lettres minuscules, chiffres, . _ -"
        )
    if role not in ROLES:
        raise CompteInvalide(f"Le rôle doit être {' ou '.join(ROLES)}.")
    if len(mot_de_passe) < LONGUEUR_MIN_MOT_DE_PASSE:
        raise CompteInvalide(
            f"Le mot de passe doit faire au moins {LONGUEUR_MIN_MOT_DE_PASSE} caractères."
        )
    if trouver(session, identifiant) is not None:
        raise CompteInvalide(f"Le compte « {identifiant} » existe déjà.")
    conseiller = Conseiller(
        identifiant=identifiant,
        nom=nom.strip()[:120],
        role=role,
        mot_de_passe=_hacheur.hash(mot_de_passe),
        cree_le=maintenant or maintenant_utc(),
    )
    session.add(conseiller)
    session.flush()
    return conseiller


def trouver(session: Session, identifiant: str) -> Conseiller | None:
    return session.exec(
        select(Conseiller).where(Conseiller.identifiant == identifiant.strip().lower())
    ).first()


def lister(session: Session) -> Sequence[Conseiller]:
    return session.exec(select(Conseiller).order_by(col(Conseiller.identifiant))).all()


def authentifier(
    moteur_sql: Engine, identifiant: str, mot_de_passe: str, maintenant: dt.datetime
) -> Conseiller:
    """The account if the password is right; ConnexionRefusee otherwise.

    Every failure on an existing account counts; the fifth in a row locks it for 15 minutes,
    during which even the right password is refused.
    """
    with Session(moteur_sql, expire_on_commit=False) as session:
        conseiller = session.exec(
            select(Conseiller)
            .where(Conseiller.identifiant == identifiant.strip().lower())
            .with_for_update()
        ).first()
        if conseiller is None:
            _verifier(_EMPREINTE_LEURRE, mot_de_passe)
            raise ConnexionRefusee("Identifiant ou mot de passe incorrect.")
        jusqua = conseiller.verrouille_jusqua
        if jusqua is not None and en_utc(jusqua) > maintenant:
            raise ConnexionRefusee("Trop d'essais : ce compte est bloqué.", en_utc(jusqua))
        if not _verifier(conseiller.mot_de_passe, mot_de_passe) or not conseiller.actif:
            conseiller.echecs += 1
            if conseiller.echecs >= ECHECS_AVANT_VERROU:
                conseiller.echecs, conseiller.verrouille_jusqua = 0, maintenant + DUREE_VERROU
            session.add(conseiller)
            session.commit()
            if conseiller.verrouille_jusqua and en_utc(conseiller.verrouille_jusqua) > maintenant:
                raise ConnexionRefusee(
                    "Trop d'essais : ce compte est bloqué.", en_utc(conseiller.verrouille_jusqua)
                )
            raise ConnexionRefusee("Identifiant ou mot de passe incorrect.")
        conseiller.echecs, conseiller.verrouille_jusqua = 0, None
        if _hacheur.check_needs_rehash(conseiller.mot_de_passe):
            conseiller.mot_de_passe = _hacheur.hash(mot_de_passe)
        session.add(conseiller)
        session.commit()
        return conseiller


def _verifier(empreinte: str, mot_de_passe: str) -> bool:
    try:
        return _hacheur.verify(empreinte, mot_de_passe)
    except (VerificationError, InvalidHashError):
        return False


def desactiver(session: Session, conseiller_id: int) -> Conseiller:
    conseiller = session.get(Conseiller, conseiller_id)
    if conseiller is None:
        raise CompteInvalide("Ce compte n'existe pas.")
    conseiller.actif = False
    session.add(conseiller)
    session.flush()
    return conseiller


# --- sessions ---------------------------------------------------------------------


class SessionConseiller(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    empreinte: str = Field(max_length=64, unique=True)
    conseiller_id: int = Field(foreign_key="conseiller.id", index=True)
    # The token every form and fetch POST of this session must carry.
    csrf: str = Field(max_length=64)
    cree_le: dt.datetime = Field(default_factory=maintenant_utc)
    expire_le: dt.datetime


@dataclass(frozen=True)
class Connecte:
    """The agent behind a request, and the CSRF token of their session."""

    conseiller: Conseiller
    csrf: str


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def ouvrir(moteur_sql: Engine, conseiller_id: int, maintenant: dt.datetime) -> str:
    """A new session; returns its token (to put, signed, in the cookie)."""
    jeton = secrets.token_urlsafe(32)
    with Session(moteur_sql) as session:
        session.exec(delete(SessionConseiller).where(col(SessionConseiller.expire_le) < maintenant))
        session.add(
            SessionConseiller(
                empreinte=_empreinte(jeton),
                conseiller_id=conseiller_id,
                csrf=secrets.token_urlsafe(32),
                cree_le=maintenant,
                expire_le=maintenant + DUREE_SESSION,
            )
        )
        session.commit()
    return jeton


def retrouver(moteur_sql: Engine, jeton: str, maintenant: dt.datetime) -> Connecte | None:
    """The agent of a live session of an active account, or None."""
    with Session(moteur_sql, expire_on_commit=False) as session:
        ligne = session.exec(
            select(SessionConseiller, Conseiller)
            .join(Conseiller, col(Conseiller.id) == SessionConseiller.conseiller_id)
            .where(SessionConseiller.empreinte == _empreinte(jeton))
        ).first()
    if ligne is None:
        return None
    session_conseiller, conseiller = ligne
    if en_utc(session_conseiller.expire_le) <= maintenant or not conseiller.actif:
        return None
    return Connecte(conseiller, session_conseiller.csrf)


def fermer(moteur_sql: Engine, jeton: str) -> None:
    with Session(moteur_sql) as session:
        session.exec(
            delete(SessionConseiller).where(col(SessionConseiller.empreinte) == _empreinte(jeton))
        )
        session.commit()


def fermer_toutes(session: Session, conseiller_id: int) -> None:
    """Ends every session of an account (deactivation), in the caller's transaction."""
    session.exec(
        delete(SessionConseiller).where(col(SessionConseiller.conseiller_id) == conseiller_id)
    )
