"""What an SMS reply costs: segments per reply over the dev set's messages.

Each message of `../shared/evaluation/nlu-dev.jsonl` opens a new conversation on an
in-memory database, and its SMS reply is measured as it would be sent (GSM-7 when the
words allow, split on words, 3 segments at most per part). Run:
`python benchmarks/segments_sms.py [FICHIER.jsonl]`.
"""

from __future__ import annotations

import collections
import json
import statistics
import sys
from pathlib import Path

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.contenus import charger_catalogue
from assistant.moteur import Moteur
from assistant.service import Entrant, ServiceDialogue

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "evaluation" / "nlu-dev.jsonl"


def main() -> None:
    chemin = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV
    textes = [json.loads(ligne)["texte"] for ligne in chemin.read_text("utf-8").splitlines()]
    moteur_sql = creer_moteur_sql("sqlite://")
    preparer_schema(moteur_sql)
    service = ServiceDialogue(Moteur.depuis_catalogue(charger_catalogue()), moteur_sql)
    par_reponse, encodages, parties = [], collections.Counter(), 0
    for rang, texte in enumerate(textes):
        tour = service.traiter(Entrant("sms", f"+3363998{rang:04d}", texte))
        par_reponse.append(sum(s.segments or 0 for s in tour.sorties))
        encodages.update(s.encodage for s in tour.sorties)
        parties += len(tour.sorties)
    repartition = collections.Counter(par_reponse)
    print(f"messages : {len(textes)}, réponses en {parties} SMS")
    print(
        f"segments par réponse : moyenne {statistics.mean(par_reponse):.2f}, max {max(par_reponse)}"
    )
    print("répartition : " + ", ".join(f"{n} seg. x{c}" for n, c in sorted(repartition.items())))
    print("encodages : " + ", ".join(f"{e} x{c}" for e, c in encodages.items()))


if __name__ == "__main__":
    main()
