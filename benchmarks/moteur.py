"""Engine speed in-process: turns per second and p50/p99 latency, 20 aids vs 1,000 aids.

The 20-aid catalogue is the baseline measured in the same run; the 1,000-aid catalogue is
made of generated variants of the real aids (new ids, altered names), to show how the
cost of matching grows with the catalogue. Run: `python benchmarks/moteur.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

from assistant.comprehension import Comprehenseur
from assistant.contenus import Aide, Catalogue, charger_catalogue
from assistant.etat import EtatDialogue
from assistant.moteur import Moteur
from assistant.reponse import MessageEntrant

RACINE = Path(__file__).resolve().parent.parent
DEV = RACINE.parent / "shared" / "evaluation" / "nlu-dev.jsonl"

GABARITS = [
    "c koi {nom}",
    "combien on touche avec {nom} svp",
    "jai droit a {nom} ?",
    "quels papiers pour {nom}",
    "comment faire la demande de {nom}",
    "et combien",
    "et les papiers ?",
    "bonjour",
    "ou en est mon dossier",
    "1",
    "je dors dehors ce soir",
    "merci bcp",
    "euh ben {nom} c'est quoi",
]


def catalogue_agrandi(catalogue: Catalogue, taille: int, graine: int = 7) -> Catalogue:
    """`taille` aids: the real ones, then variants with other ids and altered words."""
    hasard = random.Random(graine)
    aides: dict[str, Aide] = dict(catalogue.aides)
    originales = list(catalogue.aides.values())
    n = 0
    while len(aides) < taille:
        base = originales[n % len(originales)]
        n += 1
        suffixe = "".join(
            hasard.choice("bcdfgklmnprstvz") + hasard.choice("aeiou") for _ in range(3)
        )
        identifiant = f"{base.id}_{suffixe}"
        mots = (*(f"{mot} {suffixe}" for mot in base.mots[:6]), f"aide {suffixe}")
        aides[identifiant] = base.model_copy(
            update={
                "id": identifiant,
                "nom": f"{base.nom} {suffixe}",
                "nom_court": suffixe.upper(),
                "mots": mots,
            }
        )
    return replace(catalogue, aides=aides)


def messages(catalogue: Catalogue, nombre: int, graine: int = 11) -> list[str]:
    hasard = random.Random(graine)
    dev = []
    if DEV.exists():
        lignes = DEV.read_text(encoding="utf-8").splitlines()
        dev = [json.loads(ligne)["texte"] for ligne in lignes if ligne]
    noms = [mot for aide in catalogue.aides.values() for mot in aide.mots[:2]]
    tires = []
    for i in range(nombre):
        if dev and i % 2 == 0:
            tires.append(hasard.choice(dev))
        else:
            tires.append(hasard.choice(GABARITS).format(nom=hasard.choice(noms)))
    return tires


def mesurer(catalogue: Catalogue, textes: list[str]) -> dict[str, float]:
    debut_construction = time.perf_counter()
    # Every message read afresh: the readings the service remembers would hide the cost.
    moteur = Moteur(catalogue, Comprehenseur(catalogue, lectures_gardees=0))
    construction = time.perf_counter() - debut_construction
    maintenant = dt.datetime(2026, 11, 30, 10, 0)
    etat = EtatDialogue()
    for texte in textes[:200]:  # warm-up
        etat = moteur.decider(etat, MessageEntrant(texte), maintenant).etat
    durees, durees_cpu = [], []
    etat = EtatDialogue()
    debut = time.perf_counter()
    for i, texte in enumerate(textes):
        if i % 8 == 0:
            etat = EtatDialogue()  # a new conversation now and then
        t0, c0 = time.perf_counter(), time.process_time()
        etat = moteur.decider(etat, MessageEntrant(texte), maintenant).etat
        durees_cpu.append(time.process_time() - c0)
        durees.append(time.perf_counter() - t0)
    total = time.perf_counter() - debut
    # Memory in a second pass: tracing allocations would slow the timed one down.
    tracemalloc.start()
    for texte in textes[:1000]:
        moteur.decider(EtatDialogue(), MessageEntrant(texte), maintenant)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    durees.sort()
    durees_cpu.sort()
    return {
        "aides": len(catalogue.aides),
        "tours": len(textes),
        "tours_par_s": len(textes) / total,
        "p50_ms": statistics.median(durees) * 1000,
        "p99_ms": durees[int(len(durees) * 0.99) - 1] * 1000,
        "max_ms": durees[-1] * 1000,
        "p99_cpu_ms": durees_cpu[int(len(durees_cpu) * 0.99) - 1] * 1000,
        "construction_s": construction,
        "pic_memoire_mo": pic / 1e6,
    }


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__)
    analyseur.add_argument("--tours", type=int, default=4000)
    analyseur.add_argument("--grand", type=int, default=1000)
    args = analyseur.parse_args()
    reel = charger_catalogue()
    grand = catalogue_agrandi(reel, args.grand)
    base = mesurer(reel, messages(reel, args.tours))
    agrandi = mesurer(grand, messages(grand, args.tours))
    colonnes = ("tours/s", "p50 ms", "p99 ms", "p99 CPU", "max ms", "init s", "pic Mo")
    print(f"{'catalogue':>10} " + " ".join(f"{c:>8}" for c in colonnes))
    for r in (base, agrandi):
        print(
            f"{r['aides']:>10} {r['tours_par_s']:>8.0f} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f}"
            f" {r['p99_cpu_ms']:>8.3f}"
            f" {r['max_ms']:>8.2f} {r['construction_s']:>8.2f} {r['pic_memoire_mo']:>8.1f}"
        )
    facteur_p99 = agrandi["p99_ms"] / base["p99_ms"]
    facteur_debit = agrandi["tours_par_s"] / base["tours_par_s"]
    print(
        f"rapport {agrandi['aides']}/{base['aides']} aides :"
        f" p99 x{facteur_p99:.1f}, débit x{facteur_debit:.2f}"
    )
    print(f"charge de la machine pendant la mesure : {os.getloadavg()[0]:.1f} (2 coeurs)")
    print(
        f"objectifs : p99 < 5 ms à 20 aides ({'atteint' if base['p99_ms'] < 5 else 'MANQUÉ'}),"
        f" < 20 ms à 1000 ({'atteint' if agrandi['p99_ms'] < 20 else 'MANQUÉ'})"
    )


if __name__ == "__main__":
    main()
