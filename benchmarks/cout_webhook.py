"""What one SMS webhook costs in process: Relais's ASGI application against the bare one.

`charge_http.py` measures the whole server over HTTP and takes minutes; this calls the two
ASGI applications directly, one request after the other, with the same signed requests,
and prints CPU time per request: no network, no HTTP parser, no client sharing the cores.
The bare application of `charge_http.py` is the baseline, measured in the same run. Relais
runs on a fresh SQLite file (or PostgreSQL with `--postgres URL`), over several rounds of
new conversations (the first rounds warm caches up: the best one is kept). With
`--profil`, the functions that cost most in the last round, by own time.

With `--ensemble 16`, requests go 16 at a time, as `charge_http.py`'s 16 clients send them.

Run: `python benchmarks/cout_webhook.py [--requetes 3000] [--tours 3] [--ensemble 16] [--profil]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import logging
import os
import pstats
import tempfile
import time
from collections import Counter
from typing import Any

from charge_http import (
    COMPTE,
    JETON,
    NUMERO_RELAIS,
    URL_PUBLIQUE,
    application_nue,
    conversations,
    entrelaces,
)

Requete = tuple[dict[str, Any], bytes]
SCHEMA = f"bench_cout_{os.getpid()}"  # on PostgreSQL, dropped at the end


def requete_asgi(octets: bytes) -> Requete:
    """The ASGI scope and body of a raw HTTP request from `charge_http.requete`."""
    entete, corps = octets.split(b"\r\n\r\n", 1)
    lignes = entete.split(b"\r\n")[1:]
    champs = [(nom.strip().lower(), valeur.strip()) for nom, valeur in
              (ligne.split(b":", 1) for ligne in lignes)]  # fmt: skip
    portee = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/canaux/sms", "raw_path": b"/canaux/sms",
        "query_string": b"", "root_path": "", "headers": champs,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    return portee, corps


async def passer(
    application: Any, requetes: list[Requete], ensemble: int = 1
) -> tuple[float, Counter[int]]:
    """CPU seconds per request, and the HTTP statuses answered. `ensemble` requests are
    sent at once, as that many clients would: on SQLite, their turns share a transaction."""
    statuts: Counter[int] = Counter()

    async def envoyer(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuts[message["status"]] += 1

    async def une(portee: dict[str, Any], corps: bytes) -> None:
        async def recevoir() -> dict[str, Any]:
            return {"type": "http.request", "body": corps, "more_body": False}

        await application(dict(portee), recevoir, envoyer)

    debut = time.process_time()
    for rang in range(0, len(requetes), ensemble):
        await asyncio.gather(*(une(*r) for r in requetes[rang : rang + ensemble]))
    return (time.process_time() - debut) / len(requetes), statuts


def preparer_base(url_pg: str | None, dossier: str) -> str:
    from assistant.base import creer_moteur_sql, preparer_schema
    from assistant.demo import charger_demo

    url = f"sqlite:///{dossier}/relais.db"
    if url_pg:
        from sqlalchemy import text

        with creer_moteur_sql(url_pg).begin() as connexion:
            connexion.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connexion.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        separateur = "&" if "?" in url_pg else "?"
        url = f"{url_pg}{separateur}options=-csearch_path%3D{SCHEMA}"
    moteur = creer_moteur_sql(url)
    preparer_schema(moteur)
    charger_demo(moteur, dt.datetime.now(dt.UTC))
    moteur.dispose()
    return url


async def principal(args: argparse.Namespace) -> None:
    dossier = tempfile.mkdtemp(prefix="relais-cout-")
    os.environ.update({
        "DATABASE_URL": preparer_base(args.postgres, dossier),
        "RELAIS_URL_PUBLIQUE": URL_PUBLIQUE, "RELAIS_SECRET_KEY": "cle-de-mesure",
        "TWILIO_ACCOUNT_SID": COMPTE, "TWILIO_AUTH_TOKEN": JETON,
        "TWILIO_NUMERO": NUMERO_RELAIS, "TWILIO_API_URL": "http://127.0.0.1:9",
        "RELAIS_CANAUX": "sms", "RELAIS_SECOURS": f"{dossier}/secours",
    })  # fmt: skip
    from canaux.application import creer_application

    tours = []
    for graine in range(1, args.tours + 1):
        convs = list(conversations(args.requetes // 4 + 1, graine=graine, prefixe=f"+336{graine}"))
        tours.append([requete_asgi(e.octets) for e in entrelaces(convs)[: args.requetes]])
    relais = creer_application(expedier_en_fond=False)

    await passer(application_nue, tours[0][:500], args.ensemble)
    nu, _ = await passer(application_nue, tours[0], args.ensemble)
    print(f"nu : {nu * 1000:.3f} ms CPU par requête")
    mesures = []
    profil = cProfile.Profile()
    # Its threads run as in the server: SQLite checkpoints, PostgreSQL LISTEN (CPU counted).
    async with relais.router.lifespan_context(relais):
        for rang, requetes in enumerate(tours, 1):
            if rang == len(tours) and args.profil:
                profil.enable()
            cout, statuts = await passer(relais, requetes, args.ensemble)
            profil.disable()
            mesures.append(cout)
            print(f"Relais, tour {rang} : {cout * 1000:.3f} ms CPU par requête, {dict(statuts)}")
    relais.state.relais.moteur_sql.dispose()
    if args.postgres:
        from sqlalchemy import text

        from assistant.base import creer_moteur_sql

        with creer_moteur_sql(args.postgres).begin() as connexion:
            connexion.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    meilleur = min(mesures)
    print(f"Relais (meilleur tour) : {meilleur * 1000:.3f} ms, {meilleur / nu:.1f} × le nu")
    if args.profil:
        print("\n(profil du dernier tour : le profileur ralentit tout, comparer les parts)")
        pstats.Stats(profil).sort_stats(args.tri).print_stats(args.lignes)
        if args.sortie:
            profil.dump_stats(args.sortie)


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    analyseur.add_argument("--requetes", type=int, default=3000, help="requêtes par tour")
    analyseur.add_argument("--tours", type=int, default=3)
    analyseur.add_argument(
        "--ensemble", type=int, default=1, help="requêtes envoyées à la fois (16 : la charge HTTP)"
    )
    analyseur.add_argument("--postgres", default=None, help="URL PostgreSQL (sinon SQLite)")
    analyseur.add_argument("--profil", action="store_true")
    analyseur.add_argument("--tri", default="tottime", help="tottime ou cumulative")
    analyseur.add_argument("--lignes", type=int, default=40)
    analyseur.add_argument("--sortie", default=None, help="fichier du profil (pstats)")
    args = analyseur.parse_args()
    logging.disable(logging.INFO)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(principal(args))


if __name__ == "__main__":
    main()
