"""Agent accounts: argon2 password hashes, roles, lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.erreurs import RelaisErreur
from assistant.modeles import maintenant_utc

CONSEILLER = "conseiller"
ADMIN = "admin"
ROLES = (CONSEILLER, ADMIN)

ECHECS_AVANT_VERROU = 5
DUREE_VERROU = dt.timedelta(minutes=15)
LONGUEUR_MIN_MOT_DE_PASSE = 10
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


def en_utc(instant: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


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
