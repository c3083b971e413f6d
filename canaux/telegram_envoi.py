"""Telegram messages that are not answers to a webhook: the outbox's sender, and the records
of who can be reached on Telegram."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.boite_envoi import EchecEnvoi, Envoi, deposer
from assistant.modeles import Personne

journal = logging.getLogger("relais.telegram")

CANAL = "telegram"
API_TELEGRAM = "https://api.telegram.org"
# Telegram counts a text's length in UTF-16 code units.
LONGUEUR_MAX = 4096
# Below the outbox lease (60 s): a slow request must not outlive its claim.
DELAI_REQUETE = 20.0
RAISON_BLOQUE = "bloqué"
_SEPARATEURS = ("\n\n", "\n", " ")


def longueur(texte: str) -> int:
    return len(texte.encode("utf-16-le")) // 2


def decouper(texte: str, limite: int = LONGUEUR_MAX) -> list[str]:
    """The text as messages Telegram accepts: cut between paragraphs, else lines, else words."""
    morceaux = _decouper(texte.strip(), limite, _SEPARATEURS)
    return [m.strip() for m in morceaux if m.strip()]


def _decouper(texte: str, limite: int, separateurs: Sequence[str]) -> list[str]:
    if longueur(texte) <= limite:
        return [texte]
    if not separateurs:
        return _couper_net(texte, limite)
    separateur, fins = separateurs[0], separateurs[1:]
    morceaux: list[str] = []
    courant = ""
    for partie in texte.split(separateur):
        candidat = f"{courant}{separateur}{partie}" if courant else partie
        if longueur(candidat) <= limite:
            courant = candidat
            continue
        if courant:
            morceaux.append(courant)
        sous_parties = _decouper(partie, limite, fins)
        morceaux.extend(sous_parties[:-1])
        courant = sous_parties[-1]
    morceaux.append(courant)
    return morceaux


def _couper_net(texte: str, limite: int) -> list[str]:
    morceaux, debut, unites = [], 0, 0
    for rang, caractere in enumerate(texte):
        taille = 2 if ord(caractere) > 0xFFFF else 1
        if unites + taille > limite:
            morceaux.append(texte[debut:rang])
            debut, unites = rang, 0
        unites += taille
    morceaux.append(texte[debut:])
    return morceaux


# --- who can be reached ---------------------------------------------------------------


def _personne(session: Session, adresse: str) -> Personne | None:
    return session.exec(
        select(Personne).where(Personne.canal == CANAL, Personne.adresse == adresse)
    ).first()


def marquer_injoignable(moteur_sql: Engine, adresse: str, injoignable: bool = True) -> None:
    """The person blocked the bot (or unblocked it): Telegram delivers nothing meanwhile."""
    with Session(moteur_sql) as session:
        personne = _personne(session, adresse)
        if personne is None or personne.injoignable == injoignable:
            return
        personne.injoignable = injoignable
        session.add(personne)
        session.commit()
        journal.info("personne %s injoignable=%s", personne.id, injoignable)


def telephone_verifie(moteur_sql: Engine, adresse: str) -> bool:
    with Session(moteur_sql) as session:
        personne = _personne(session, adresse)
        return personne is not None and personne.telephone is not None


def deposer_en_boite(
    moteur_sql: Engine, adresse: str, textes: Sequence[str], maintenant: dt.datetime
) -> None:
    """Replies that could not be sent now: the outbox tries again (they are in the history
    already, so no conversation is given)."""
    with Session(moteur_sql) as session:
        personne = _personne(session, adresse)
        if personne is None:
            return
        for texte in textes:
            deposer(session, personne, texte, proactif=False, maintenant=maintenant)
        session.commit()


# --- the outbox's sender ----------------------------------------------------------------


class ExpediteurTelegram:
    """An `Expediteur` for the "telegram" channel: plain text, through the Bot API."""

    def __init__(
        self,
        jeton: str,
        moteur_sql: Engine,
        api_url: str = "",
        delai: float = DELAI_REQUETE,
    ) -> None:
        self.moteur_sql = moteur_sql
        self._url = f"{(api_url or API_TELEGRAM).rstrip('/')}/bot{jeton}/sendMessage"
        self._client = httpx.Client(timeout=delai)

    def fermer(self) -> None:
        self._client.close()

    def envoyer(self, envoi: Envoi) -> str:
        # A long text goes as several messages; the id returned is the last one's.
        identifiant = ""
        for morceau in decouper(envoi.texte):
            identifiant = self._envoyer(envoi, morceau)
        # message_id is only unique within a chat; the outbox wants a unique provider id.
        return f"{envoi.destinataire}:{identifiant}"

    def _envoyer(self, envoi: Envoi, texte: str) -> str:
        try:
            reponse = self._client.post(
                self._url, json={"chat_id": envoi.destinataire, "text": texte}
            )
        except httpx.HTTPError as erreur:
            # The message of an httpx error quotes the URL, which holds the token.
            raise EchecEnvoi(f"réseau : {type(erreur).__name__}", definitif=False) from None
        corps = _json(reponse)
        if corps.get("ok") is True and isinstance(corps.get("result"), dict):
            return str(corps["result"].get("message_id", ""))
        code = int(corps.get("error_code") or reponse.status_code)
        if code == 429:
            parametres = corps.get("parameters") or {}
            attente = parametres.get("retry_after")
            delai = dt.timedelta(seconds=int(attente)) if isinstance(attente, int) else None
            raise EchecEnvoi(
                f"Telegram 429 (réessayer dans {attente or '?'} s)",
                definitif=False,
                reessayer_apres=delai,
            )
        if code == 403:
            marquer_injoignable(self.moteur_sql, envoi.destinataire)
            raise EchecEnvoi(RAISON_BLOQUE, definitif=True)
        description = str(corps.get("description") or "")[:120]
        # 401: the token was refused; once it is fixed, the message can still go.
        transitoire = code >= 500 or code == 401
        raise EchecEnvoi(f"Telegram {code} {description}".strip(), definitif=not transitoire)


def _json(reponse: httpx.Response) -> dict[str, Any]:
    try:
        corps = reponse.json()
    except ValueError:
        return {}
    return corps if isinstance(corps, dict) else {}
