"""Loads `contenus/lexique.yaml`: how people write, and the cues of each intent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.contenus import DOSSIER_CONTENUS
from assistant.erreurs import ContenuInvalide

POIDS = {"fort": 3.0, "moyen": 2.0, "faible": 1.0}
# Key of `urgence.motifs` for a danger whose kind is unknown.
SANS_SITUATION = "sans_situation"


@dataclass(frozen=True)
class Lexique:
    sms: dict[str, str]
    sauf_avant: dict[str, tuple[str, ...]]
    remplissage: tuple[str, ...]
    politesse: tuple[str, ...]
    vides: frozenset[str]
    # Frequent French words: correct as written, never "corrected" into another word.
    courants: frozenset[str]
    organismes: tuple[str, ...]
    # Whole messages that mean an intent on their own: intent -> phrases.
    seuls: dict[str, tuple[str, ...]]
    # intent -> cue phrase -> weight.
    intentions: dict[str, dict[str, float]]
    # intent -> (pattern on the normalised text, weight): cues that a phrase cannot say.
    motifs_intentions: dict[str, tuple[tuple[re.Pattern[str], float], ...]]
    # situation id (or None) -> patterns on the normalised text.
    motifs_urgence: dict[str | None, tuple[re.Pattern[str], ...]]
    exclusions_urgence: tuple[re.Pattern[str], ...]
    numeros_urgence: dict[str, str]
    questions_sur_un_numero: tuple[re.Pattern[str], ...]


def _liste(brut: Any, champ: str) -> tuple[str, ...]:
    if not isinstance(brut, list) or not all(isinstance(m, str | int) for m in brut):
        raise ContenuInvalide([f"lexique.yaml: {champ}: liste de mots attendue"])
    return tuple(str(m) for m in brut)


def _motifs(brut: Any, champ: str) -> tuple[re.Pattern[str], ...]:
    motifs = []
    for texte in _liste(brut, champ):
        try:
            motifs.append(re.compile(texte))
        except re.error as erreur:
            raise ContenuInvalide([f"lexique.yaml: {champ}: {texte!r}: {erreur}"]) from erreur
    return tuple(motifs)


def _intentions(brut: dict[str, Any]) -> dict[str, dict[str, float]]:
    intentions: dict[str, dict[str, float]] = {}
    for intention, niveaux in brut.items():
        indices: dict[str, float] = {}
        for niveau, phrases in (niveaux or {}).items():
            if niveau not in POIDS:
                raise ContenuInvalide(
                    [f"lexique.yaml: intentions.{intention}.{niveau}: niveau inconnu"]
                )
            for phrase in _liste(phrases, f"intentions.{intention}.{niveau}"):
                indices[phrase] = max(indices.get(phrase, 0.0), POIDS[niveau])
        intentions[intention] = indices
    return intentions


def _motifs_intentions(
    brut: dict[str, Any],
) -> dict[str, tuple[tuple[re.Pattern[str], float], ...]]:
    resultat: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {}
    for intention, niveaux in brut.items():
        motifs: list[tuple[re.Pattern[str], float]] = []
        for niveau, textes in (niveaux or {}).items():
            if niveau not in POIDS:
                raise ContenuInvalide(
                    [f"lexique.yaml: motifs_intentions.{intention}.{niveau}: niveau inconnu"]
                )
            champ = f"motifs_intentions.{intention}.{niveau}"
            motifs += [(motif, POIDS[niveau]) for motif in _motifs(textes, champ)]
        resultat[intention] = tuple(motifs)
    return resultat


def charger_lexique(dossier: Path = DOSSIER_CONTENUS) -> Lexique:
    chemin = dossier / "lexique.yaml"
    try:
        brut = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as erreur:
        raise ContenuInvalide([f"lexique.yaml: -: illisible ({erreur})"]) from erreur
    try:
        urgence = brut["urgence"]
        motifs = {
            (None if situation == SANS_SITUATION else situation): _motifs(
                textes, f"urgence.motifs.{situation}"
            )
            for situation, textes in urgence["motifs"].items()
        }
        return Lexique(
            sms={str(k): str(v or "") for k, v in brut["sms"].items()},
            sauf_avant={k: _liste(v, f"sauf_avant.{k}") for k, v in brut["sauf_avant"].items()},
            remplissage=_liste(brut["remplissage"], "remplissage"),
            politesse=_liste(brut["politesse"], "politesse"),
            vides=frozenset(_liste(brut["vides"], "vides")),
            courants=frozenset(" ".join(_liste(brut["courants"], "courants")).split()),
            organismes=_liste(brut["organismes"], "organismes"),
            seuls={k: _liste(v, f"seuls.{k}") for k, v in brut["seuls"].items()},
            intentions=_intentions(brut["intentions"]),
            motifs_intentions=_motifs_intentions(brut.get("motifs_intentions") or {}),
            motifs_urgence=motifs,
            exclusions_urgence=_motifs(urgence.get("exclusions") or [], "urgence.exclusions"),
            numeros_urgence={str(k): str(v) for k, v in urgence["numeros"].items()},
            questions_sur_un_numero=_motifs(
                urgence["questions_sur_un_numero"], "urgence.questions_sur_un_numero"
            ),
        )
    except (KeyError, TypeError, AttributeError) as erreur:
        raise ContenuInvalide([f"lexique.yaml: {erreur}: champ absent ou mal formé"]) from erreur
