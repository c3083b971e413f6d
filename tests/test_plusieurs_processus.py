"""Two real server processes on one PostgreSQL database: no message lost, duplicated or
answered out of order, replays included (issue: scale-out)."""

from __future__ import annotations

import asyncio
import os
import queue
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import Session, col, select

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.conseillers import creer_conseiller
from assistant.modeles import Conversation, Message, Personne
from tests.bases import url_postgres_isolee
from tests.faux_twilio import JETON, SID
from tests.web import signer

RACINE = Path(__file__).resolve().parent.parent
CONVERSATIONS = 200
MESSAGES_PAR_CONVERSATION = 10
PART_REJOUEE = 0.10
TEXTES = ["bonjour", "le rsa", "et combien ?", "1", "menu", "c'est quoi l'apl", "et les papiers ?",
          "merci", "2", "jai droit a la prime d activite ?"]  # fmt: skip


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demarrer_serveur(url_base: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url_base,
        "RELAIS_URL_PUBLIQUE": "https://relais.example.org",
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": JETON,
        "TWILIO_NUMERO": "+33639989999",
        "TWILIO_API_URL": "http://127.0.0.1:9",  # nothing is sent here; never reached
        "RELAIS_CANAUX": "sms",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "canaux.cli", "serve", "--port", str(port)],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def attendre(port: int) -> None:
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sante", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"le serveur du port {port} ne répond pas")


async def envoyer(client: httpx.AsyncClient, port: int, champs: dict[str, str]) -> str:
    reponse = await client.post(
        f"http://127.0.0.1:{port}/canaux/sms",
        content=urlencode(champs),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signer("/canaux/sms", champs),
        },
    )
    assert reponse.status_code == 200, reponse.text
    return reponse.text


async def une_conversation(
    client: httpx.AsyncClient, ports: tuple[int, int], numero: int, hasard: random.Random
) -> dict[str, str]:
    """Sends 10 messages in order, each to either server; some are replayed at once."""
    reponses: dict[str, str] = {}
    telephone = f"+336399{numero:05d}"
    for rang in range(MESSAGES_PAR_CONVERSATION):
        sid = f"SM{numero:05d}{rang:02d}"
        champs = {"From": telephone, "MessageSid": sid, "Body": TEXTES[rang]}
        port = ports[(numero + rang) % 2]
        if hasard.random() < PART_REJOUEE:
            autre = ports[(numero + rang + 1) % 2]
            premiere, rejeu = await asyncio.gather(
                envoyer(client, port, champs), envoyer(client, autre, champs)
            )
            assert premiere == rejeu, "un rejeu doit recevoir la réponse déjà donnée"
            reponses[sid] = premiere
        else:
            reponses[sid] = await envoyer(client, port, champs)
    return reponses


async def tout_envoyer(ports: tuple[int, int]) -> dict[str, str]:
    hasard = random.Random(2026)
    limites = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(timeout=60, limits=limites) as client:
        resultats = await asyncio.gather(
            *(une_conversation(client, ports, n, hasard) for n in range(CONVERSATIONS))
        )
    return {sid: texte for r in resultats for sid, texte in r.items()}


def file_vue_par_l_autre_processus(moteur_sql, ports: tuple[int, int]) -> None:
    """A person asks for an agent through one process; the console of the other hears of it
    at once (PostgreSQL LISTEN/NOTIFY) and shows it."""
    with Session(moteur_sql) as session:
        creer_conseiller(session, "alice", "mot-de-passe-alice")
        session.commit()
    champs = {"From": "+33639989998", "MessageSid": "SMconseiller", "Body": "je veux un conseiller"}
    # The cookies are Secure (the public URL is https): carried by hand over local http.
    biscuits: dict[str, str] = {}

    def demander(methode: str, chemin: str, **options: object) -> httpx.Response:
        entete = "; ".join(f"{nom}={valeur}" for nom, valeur in biscuits.items())
        reponse = httpx.request(
            methode,
            f"http://127.0.0.1:{ports[1]}{chemin}",
            headers={"Cookie": entete},
            timeout=30,
            **options,  # type: ignore[arg-type]
        )
        biscuits.update({c.name: c.value for c in reponse.cookies.jar})
        return reponse

    csrf = re.search(r'name="csrf" value="([^"]+)"', demander("GET", "/console/connexion").text)
    assert csrf is not None
    connexion = demander(
        "POST",
        "/console/connexion",
        data={"identifiant": "alice", "mot_de_passe": "mot-de-passe-alice", "csrf": csrf[1]},
    )
    assert connexion.status_code == 303, connexion.text
    # The agent's console listens on the second process; the person writes to the first.
    lignes: queue.Queue[str] = queue.Queue()

    def ecouter() -> None:
        entete = "; ".join(f"{nom}={valeur}" for nom, valeur in biscuits.items())
        url = f"http://127.0.0.1:{ports[1]}/console/evenements"
        with httpx.stream("GET", url, headers={"Cookie": entete}, timeout=30) as flux:
            for ligne in flux.iter_lines():
                lignes.put(ligne)
                if ligne.startswith("data:"):
                    return

    threading.Thread(target=ecouter, daemon=True).start()
    assert lignes.get(timeout=10).startswith("retry:")
    asyncio.run(_envoyer_un(ports[0], champs))
    nouvelle = ""
    while not nouvelle.startswith("data:"):
        nouvelle = lignes.get(timeout=10)
    with Session(moteur_sql) as session:
        personne = session.exec(select(Personne).where(Personne.adresse == champs["From"])).one()
        conversation = session.exec(
            select(Conversation).where(Conversation.personne_id == personne.id)
        ).one()
    assert nouvelle == f"data: {conversation.id}"
    file = demander("GET", "/console/file")
    assert file.status_code == 200
    assert "98 99 98" in file.text or "+33639989998" in file.text


async def _envoyer_un(port: int, champs: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        await envoyer(client, port, champs)


@pytest.fixture
def url_pg() -> str:
    return url_postgres_isolee()


def test_deux_processus_une_base(url_pg: str):
    moteur_sql = creer_moteur_sql(url_pg)
    preparer_schema(moteur_sql)
    ports = (port_libre(), port_libre())
    serveurs = [demarrer_serveur(url_pg, port) for port in ports]
    try:
        for port in ports:
            attendre(port)
        reponses = asyncio.run(tout_envoyer(ports))
        file_vue_par_l_autre_processus(moteur_sql, ports)
    finally:
        for serveur in serveurs:
            serveur.terminate()
            serveur.wait(30)
    total = CONVERSATIONS * MESSAGES_PAR_CONVERSATION
    assert len(reponses) == total

    with Session(moteur_sql) as session:
        # The load only: without the conversation that asked for an agent at the end.
        personnes = session.exec(select(Personne).where(Personne.adresse != "+33639989998")).all()
        ids = [p.id for p in personnes]
        conversations = session.exec(
            select(Conversation).where(col(Conversation.personne_id).in_(ids))
        ).all()
        des_conversations = col(Message.conversation_id).in_([c.id for c in conversations])
        entrants = session.exec(
            select(Message)
            .where(Message.sens == "entrant", des_conversations)
            .order_by(col(Message.id))
        ).all()
        sortants = session.exec(
            select(Message).where(Message.sens == "sortant", des_conversations)
        ).all()
    # Every message stored once.
    assert len(entrants) == total
    assert len({m.id_externe for m in entrants}) == total
    # Every turn answered once: each incoming message has its own replies, none twice.
    reponses_par_entrant: dict[int, int] = defaultdict(int)
    for sortant in sortants:
        assert sortant.reponse_a is not None
        reponses_par_entrant[sortant.reponse_a] += 1
    assert set(reponses_par_entrant) == {m.id for m in entrants}
    # One person, one conversation, messages in the order they were sent.
    assert len(personnes) == len(conversations) == CONVERSATIONS
    par_conversation: dict[int, list[str]] = defaultdict(list)
    for message in entrants:
        par_conversation[message.conversation_id].append(message.id_externe or "")
    for sids in par_conversation.values():
        assert sids == sorted(sids) and len(sids) == MESSAGES_PAR_CONVERSATION
    # The dialogue state followed the conversation across both processes.
    troisiemes = [reponses[f"SM{n:05d}02"] for n in range(CONVERSATIONS)]
    assert all("646,52" in texte for texte in troisiemes)
    moteur_sql.dispose()
