"""Scores the understanding on labelled messages ({"texte", "intention", "aide"}).

Accuracy of the intent, of the aid, of both; recall and precision of `urgence` (a
missed distress message is the worst failure, so recall is reported apart); the
confusions between intents and the misclassified messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

from assistant.comprehension import Comprehension

URGENCE = "urgence"


class _Comprend(Protocol):
    def comprendre(self, texte: str) -> Comprehension: ...


def _fraction(numerateur: int, denominateur: int) -> float:
    # With nothing to find (no urgent message), nothing was missed.
    return round(numerateur / denominateur, 4) if denominateur else 1.0


def evaluer(exemples: Iterable[dict[str, Any]], comprehenseur: _Comprend) -> dict[str, Any]:
    total = bon_intention = bon_aide = bons_deux = 0
    urgences_attendues = urgences_trouvees = urgences_justes = 0
    confusions: Counter[tuple[str, str]] = Counter()
    erreurs: list[dict[str, Any]] = []
    for exemple in exemples:
        resultat = comprehenseur.comprendre(exemple["texte"])
        attendue, aide_attendue = exemple["intention"], exemple.get("aide")
        total += 1
        intention_juste = resultat.intention == attendue
        aide_juste = resultat.aide == aide_attendue
        bon_intention += intention_juste
        bon_aide += aide_juste
        bons_deux += intention_juste and aide_juste
        urgences_attendues += attendue == URGENCE
        urgences_trouvees += resultat.intention == URGENCE
        urgences_justes += attendue == URGENCE and intention_juste
        if not intention_juste:
            confusions[(attendue, resultat.intention)] += 1
        if not (intention_juste and aide_juste):
            erreurs.append(
                {
                    "texte": exemple["texte"],
                    "attendu": {"intention": attendue, "aide": aide_attendue},
                    "obtenu": {"intention": resultat.intention, "aide": resultat.aide},
                }
            )
    return {
        "total": total,
        "intention": _fraction(bon_intention, total),
        "aide": _fraction(bon_aide, total),
        "les_deux": _fraction(bons_deux, total),
        "urgence_rappel": _fraction(urgences_justes, urgences_attendues),
        "urgence_precision": _fraction(urgences_justes, urgences_trouvees),
        "confusions": [
            {"attendue": a, "obtenue": o, "nombre": n}
            for (a, o), n in sorted(confusions.items(), key=lambda c: (-c[1], c[0]))
        ],
        "erreurs": erreurs,
    }


def chiffres(resultat: dict[str, Any]) -> dict[str, Any]:
    """The figures alone, without the misclassified messages: the report's last line."""
    return {cle: valeur for cle, valeur in resultat.items() if cle != "erreurs"}


def _pourcent(valeur: float) -> str:
    return f"{100 * valeur:.1f} %"


def lignes_rapport(resultat: dict[str, Any]) -> list[str]:
    lignes = [
        f"Messages : {resultat['total']}",
        f"Intention juste : {_pourcent(resultat['intention'])}",
        f"Aide juste : {_pourcent(resultat['aide'])}",
        f"Les deux justes : {_pourcent(resultat['les_deux'])}",
        f"Urgences trouvées (rappel) : {_pourcent(resultat['urgence_rappel'])}",
        f"Urgences à raison (précision) : {_pourcent(resultat['urgence_precision'])}",
    ]
    if resultat["confusions"]:
        lignes.append("Confusions (attendue -> obtenue) :")
        lignes += [
            f"  {c['attendue']} -> {c['obtenue']} : {c['nombre']}" for c in resultat["confusions"]
        ]
    if resultat.get("erreurs"):
        lignes.append("Erreurs :")
        for erreur in resultat["erreurs"]:
            attendu, obtenu = erreur["attendu"], erreur["obtenu"]
            lignes.append(
                f"  {erreur['texte']!r} : attendu {attendu['intention']}/{attendu['aide']}, "
                f"obtenu {obtenu['intention']}/{obtenu['aide']}"
            )
    return lignes
