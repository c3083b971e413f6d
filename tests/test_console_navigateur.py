"""End to end in a real browser: a citizen asks for a person by SMS, an agent answers.

A real uvicorn server on 127.0.0.1 (random port), the outbox worker sending to a fake
Twilio REST server, headless Chromium driven by Playwright. Screenshots of the queue and
of the conversation go to tests/sorties/console/ (git-ignored).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlmodel import Session

from assistant.base import preparer_schema
from assistant.conseillers import creer_conseiller
from canaux.application import creer_application, expediteurs
from canaux.expedition import Expedition
from tests.faux_twilio import FauxTwilio
from tests.test_console_outils import hachage_rapide
from tests.web import parametres_de_test, signer

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SORTIES = Path(__file__).parent / "sorties" / "console"
TEL = "+33639980101"
MOT_DE_PASSE = "mot-de-passe-alice"


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch: pytest.MonkeyPatch) -> None:
    hachage_rapide(monkeypatch)


pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium absent (/usr/bin/chromium) : .ci/run l'installe"
)


@contextmanager
def serveur(fabriquer: Callable[[str], FastAPI]) -> Iterator[tuple[str, FastAPI]]:
    """uvicorn on a free port of 127.0.0.1, in a thread; the app is built knowing its URL."""
    prise = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    prise.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{prise.getsockname()[1]}"
    application = fabriquer(url)
    serveur_web = uvicorn.Server(
        uvicorn.Config(application, log_level="warning", timeout_graceful_shutdown=5)
    )
    fil = threading.Thread(target=serveur_web.run, kwargs={"sockets": [prise]}, daemon=True)
    fil.start()
    for _ in range(200):
        if serveur_web.started:
            break
        time.sleep(0.05)
    assert serveur_web.started, "le serveur n'a pas démarré"
    try:
        yield url, application
    finally:
        serveur_web.should_exit = True
        fil.join(10)
        prise.close()


def poster_twilio(url: str, chemin: str, champs: dict[str, str]) -> httpx.Response:
    signature = signer(chemin, champs, url_publique=url)
    return httpx.post(url + chemin, data=champs, headers={"X-Twilio-Signature": signature})


def attendre(condition: Callable[[], bool], delai: float = 15.0) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition jamais remplie")


def test_une_demande_par_sms_traitee_dans_la_console(tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    SORTIES.mkdir(parents=True, exist_ok=True)

    def fabriquer(url: str) -> FastAPI:
        parametres = parametres_de_test(
            f"sqlite:///{tmp_path / 'relais.db'}", relais_url_publique=url, twilio_api_url=faux.url
        )
        application = creer_application(parametres, expedier_en_fond=False)
        moteur_sql = application.state.relais.moteur_sql
        preparer_schema(moteur_sql)
        with Session(moteur_sql) as session:
            creer_conseiller(session, "alice", MOT_DE_PASSE, nom="Alice Martin")
            session.commit()
        return application

    with FauxTwilio().en_service() as faux, serveur(fabriquer) as (url, application):
        ctx = application.state.relais
        expedition = Expedition(ctx.moteur_sql, expediteurs(ctx.parametres), intervalle=0.2)
        expedition.start()
        try:
            with sync_playwright() as playwright:
                navigateur = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=ARGUMENTS
                )
                page = navigateur.new_page(viewport={"width": 1366, "height": 768})
                erreurs: list[str] = []
                page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: erreurs.append(str(e)))

                # Login, with the keyboard.
                page.goto(url + "/console")
                expect(page).to_have_url(f"{url}/console/connexion?suite=/console")
                page.get_by_label("Identifiant").fill("alice")
                page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
                page.keyboard.press("Enter")
                expect(page).to_have_url(url + "/console")
                expect(page.locator("#file")).to_contain_text("Personne n'attend")
                page.evaluate("window.marque = 'meme page'")
                # The server's news stream is open: the page now polls only every 15 s.
                expect(page.locator("body[data-nouvelles=ouvertes]")).to_have_count(1)
                page.wait_for_timeout(2_500)  # past the poll scheduled at load

                # A citizen asks for a person: the queue shows it without a reload.
                sms = {
                    "From": TEL,
                    "Body": "je veux parler à quelqu'un <img src=x onerror=window.pirate=1>",
                    "MessageSid": "SM1",
                }
                reponse = poster_twilio(url, "/canaux/sms", sms)
                assert reponse.status_code == 200 and "transmise" in reponse.text
                element = page.locator("#file li.element")
                # Well before the next poll: pushed by the server (/console/evenements).
                expect(element).to_contain_text(TEL, timeout=3_000)
                expect(element).to_contain_text("Demande à parler à quelqu'un")
                expect(element).to_contain_text("<img src=x onerror=window.pirate=1>")
                assert page.evaluate("window.marque") == "meme page"
                assert page.evaluate("window.pirate") is None
                page.screenshot(path=str(SORTIES / "file.png"), full_page=True)

                # Take it (keyboard), answer with Ctrl+Enter.
                page.get_by_role("button", name="Prendre").focus()
                page.keyboard.press("Enter")
                expect(page.get_by_role("heading", level=1)).to_contain_text("Conversation n°")
                expect(page.locator("#fil")).to_contain_text("suivie par Alice Martin (vous)")
                page.locator("#modele").select_option("bonjour")
                boite = page.get_by_label("Répondre par SMS")
                expect(boite).to_have_value(
                    "Bonjour, je suis conseiller. J'ai lu vos messages. Je vais vous aider."
                )
                boite.fill("Bonjour, ici Alice. Votre demande de RSA est bien reçue.")
                boite.press("Control+Enter")
                expect(page.get_by_text("Réponse confiée à la file d'envoi.")).to_be_visible()
                attendre(lambda: any("ici Alice" in r.get("Body", "") for r in faux.requetes))
                assert faux.requetes[-1]["To"] == TEL
                dernier = page.locator("#fil li.ev.sortant").last
                expect(dernier).to_contain_text("ici Alice")
                expect(dernier).to_contain_text("envoyé", timeout=10_000)

                # Twilio says it was delivered: the page shows it, still without a reload.
                statut = {"MessageSid": faux.sids[-1], "MessageStatus": "delivered"}
                assert poster_twilio(url, "/canaux/sms/statut", statut).status_code == 204
                expect(dernier).to_contain_text("remis", timeout=10_000)
                page.get_by_label("Note interne (jamais envoyée)").fill("Dossier RSA à vérifier")
                page.get_by_role("button", name="Ajouter la note").click()
                expect(page.locator("#fil li.ev.note")).to_contain_text("Dossier RSA à vérifier")
                page.screenshot(path=str(SORTIES / "conversation.png"), full_page=True)

                # Give it back: the bot answers the next SMS again.
                page.get_by_role("button", name="Rendre au robot").click()
                expect(page.locator("#fil")).to_contain_text("Avec le robot")
                retour = poster_twilio(
                    url,
                    "/canaux/sms",
                    {"From": TEL, "Body": "c'est quoi le rsa", "MessageSid": "SM2"},
                )
                assert "<Message>" in retour.text and "RSA" in retour.text
                attendre(lambda: any("Relais vous" in r["Body"] for r in faux.requetes))
                assert erreurs == [], erreurs
                navigateur.close()
        finally:
            expedition.arreter()
