"""Memory of one Relais worker over 100,000 messages: its RSS must stay flat.

By default the messages go over HTTP to a real `relais serve` process (1 worker, a fresh
SQLite file, or PostgreSQL with `--postgres`), from 16 clients, as in `charge_http.py`:
the RSS read (VmRSS in /proc/PID/status) is the server's, uvicorn and FastAPI included.
`--mode service` calls `ServiceDialogue.traiter` in a loop in this process instead, and
reads this process's RSS: no HTTP, no thread pool, only the turn.

Run: `python benchmarks/memoire.py [--messages 100000] [--mode http|service]`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl

from charge_http import (
    Base,
    Envoi,
    Journal,
    Mesure,
    charge_fermee,
    conversations,
    files_de_clients,
    serveur_relais,
)

PALIERS = (0, 1_000, 10_000, 25_000, 50_000, 75_000, 100_000)
# Growth allowed between 10k and the end: caches filled once, not a leak.
TOLERANCE_MO = 20.0


def memoire_mo(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB, from /proc."""
    valeurs = {}
    with open(f"/proc/{pid}/status") as f:
        for ligne in f:
            nom, _, reste = ligne.partition(":")
            if nom in ("VmRSS", "VmHWM"):
                valeurs[nom] = int(reste.split()[0]) / 1024
    return valeurs["VmRSS"], valeurs["VmHWM"]


def lots(paliers: list[int], graine: int) -> Iterator[tuple[int, list[list[Envoi]]]]:
    """For each step, the conversations that bring the count of messages up to it."""
    source = conversations(10_000_000, graine)
    reste: list[Envoi] = []
    for avant, palier in itertools.pairwise(paliers):
        besoin, lot = palier - avant, []
        while besoin > 0:
            conversation = reste or next(source)
            reste = conversation[besoin:]
            lot.append(conversation[:besoin])
            besoin -= len(lot[-1])
        yield palier, lot


def par_http(args: argparse.Namespace, paliers: list[int], dossier: Path) -> list[tuple]:
    base = Base("pg" if args.postgres else "sqlite", dossier, args.postgres)
    serveur = serveur_relais(base.url, 1, dossier)
    pid = serveur.processus.pid
    lignes = [(0, *memoire_mo(pid), 0.0, 0.0)]
    journal: Journal = {}
    limite = time.monotonic() + args.delai_max
    try:
        for palier, lot in lots(paliers, graine=5):
            if time.monotonic() > limite:
                print(f"arrêt : plus de {args.delai_max:.0f} s", file=sys.stderr)
                break
            mesure = Mesure("palier", args.clients)
            files = files_de_clients(lot, args.clients)
            asyncio.run(charge_fermee(serveur.port, files, args.delai_max, journal, mesure))
            lignes.append((palier, *memoire_mo(pid), mesure.debit, mesure.quantile_ms(0.99)))
            print(f"  {palier} messages, RSS {lignes[-1][1]:.1f} Mo", flush=True)
    finally:
        serveur.arreter()
    bilan = base.verifier(journal)
    base.supprimer()
    echecs = sum(1 for statut, _ in journal.values() if statut != 200)
    print(f"réponses non 200 : {echecs} ; base : {bilan}")
    return lignes


def par_service(args: argparse.Namespace, paliers: list[int], dossier: Path) -> list[tuple]:
    from assistant.base import creer_moteur_sql
    from assistant.contenus import charger_catalogue
    from assistant.moteur import Moteur
    from assistant.service import Entrant, ServiceDialogue
    from canaux.sms import adresse_et_canal

    base = Base("pg" if args.postgres else "sqlite", dossier, args.postgres)
    moteur_sql = creer_moteur_sql(base.url)
    service = ServiceDialogue(Moteur.depuis_catalogue(charger_catalogue()), moteur_sql)
    pid = os.getpid()

    def entrant(envoi: Envoi) -> Entrant:
        champs = dict(parse_qsl(envoi.octets.split(b"\r\n\r\n", 1)[1].decode(), True))
        canal, adresse = adresse_et_canal(champs["From"])
        return Entrant(canal, adresse, champs["Body"], id_externe=champs["MessageSid"])

    lignes = [(0, *memoire_mo(pid), 0.0, 0.0)]
    try:
        for palier, lot in lots(paliers, graine=5):
            entrants = [entrant(e) for conversation in lot for e in conversation]
            durees = []
            debut = time.perf_counter()
            for e in entrants:
                t0 = time.perf_counter()
                service.traiter(e)
                durees.append(time.perf_counter() - t0)
            debit = len(entrants) / (time.perf_counter() - debut)
            durees.sort()
            p99 = durees[int(len(durees) * 0.99)] * 1000
            lignes.append((palier, *memoire_mo(pid), debit, p99))
            print(f"  {palier} messages, RSS {lignes[-1][1]:.1f} Mo", flush=True)
    finally:
        moteur_sql.dispose()
        base.supprimer()
    return lignes


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    analyseur.add_argument("--messages", type=int, default=100_000)
    analyseur.add_argument("--mode", choices=["http", "service"], default="http")
    analyseur.add_argument("--clients", type=int, default=16)
    analyseur.add_argument("--postgres", help="PostgreSQL URL (default: a SQLite file)")
    analyseur.add_argument("--delai-max", type=float, default=3600.0, help="seconds, in all")
    args = analyseur.parse_args()
    paliers = sorted({p for p in PALIERS if p < args.messages} | {args.messages})
    dossier = Path(tempfile.mkdtemp(prefix="relais-memoire-"))
    print(
        f"{args.messages} messages, mode {args.mode}, base"
        f" {'PostgreSQL' if args.postgres else 'SQLite'}; charge {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    debut = time.monotonic()
    executer: Callable[..., list[tuple]] = par_http if args.mode == "http" else par_service
    try:
        lignes = executer(args, paliers, dossier)
    finally:
        shutil.rmtree(dossier, ignore_errors=True)
    qui = "du serveur" if args.mode == "http" else "de ce processus"
    print(f"\nmémoire {qui} ({(time.monotonic() - debut) / 60:.1f} min) :")
    print(f"{'messages':>9} {'RSS Mo':>8} {'pic Mo':>8} {'msg/s':>7} {'p99 ms':>8}")
    for palier, rss, pic, debit, p99 in lignes:
        print(f"{palier:>9} {rss:>8.1f} {pic:>8.1f} {debit:>7.0f} {p99:>8.1f}")
    par_palier = {palier: rss for palier, rss, *_ in lignes}
    if 10_000 in par_palier and len(lignes) > 2:
        fin, rss_fin = lignes[-1][0], lignes[-1][1]
        croissance = rss_fin - par_palier[10_000]
        verdict = "plate" if croissance <= TOLERANCE_MO else "EN HAUSSE"
        print(
            f"de 10 000 à {fin} messages : {croissance:+.1f} Mo"
            f" ({croissance / max(1, fin - 10_000) * 10_000 * 1024:+.0f} Ko par 10 000) → {verdict}"
            f" (tolérance {TOLERANCE_MO:.0f} Mo)"
        )
    print(f"charge de la machine à la fin : {os.getloadavg()}")


if __name__ == "__main__":
    main()
