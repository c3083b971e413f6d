"""Loads `contenus/lexique.yaml`: how people write, and the cues of each intent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.contenus import DOSSIER_CONTENUS
from assistant.erreurs import ContenuInvalide
from assistant.yaml_strict import lire_fichier_yaml

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
    # Situations in order: when a message shows several, the first one is kept.
    priorite_urgence: tuple[str, ...] = ()
    # situation -> (situations it replaces, None for the unnamed danger; contexts).
    requalifications_urgence: dict[
        str, tuple[frozenset[str | None], tuple[re.Pattern[str], ...]]
    ] = field(default_factory=dict)
    # A danger of another moment (past, habitual, asked about for others), and words that
    # say it is now: see `DetecteurDetresse.danger_d_un_autre_moment`.
    pas_maintenant_urgence: tuple[re.Pattern[str], ...] = ()
    maintenant_urgence: tuple[re.Pattern[str], ...] = ()
    # Words of harm and words of now: together, with no aid asked about, a distress that
    # no pattern described (`DetecteurDetresse.filet`).
    filet_urgence: frozenset[str] = frozenset()
    filet_maintenant_urgence: tuple[re.Pattern[str], ...] = ()
    # Words after which the next word is a name ("je m appelle", "j habite a"): never
    # corrected into another word.
    avant_un_nom: tuple[str, ...] = ()
    # Words after which a capitalised word is a name ("a Bourges", "de Cassis").
    avant_un_nom_propre: tuple[str, ...] = ()
    # Words dropped before finding phrases, so that "je peux encore toucher" reads as
    # "je peux toucher".
    incises: frozenset[str] = frozenset()
    # Phrases that mean nothing for the request but must not be read as their parts:
    # "une personne seule" is not "une personne" (an advisor).
    neutres: tuple[str, ...] = ()
    # Words before an aid that the person already gets ("je suis au rsa"): that aid
    # counts less than the one asked about.
    deja_percue: tuple[str, ...] = ()
    # Beginnings of a follow-up ("et pour 2 enfants ?"): no aid guessed from mere cues.
    relances: tuple[str, ...] = ()


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


def _situation(nom: str) -> str | None:
    return None if nom == SANS_SITUATION else nom


def _requalifications(
    brut: Any,
) -> dict[str, tuple[frozenset[str | None], tuple[re.Pattern[str], ...]]]:
    resultat: dict[str, tuple[frozenset[str | None], tuple[re.Pattern[str], ...]]] = {}
    for cible, regle in (brut or {}).items():
        champ = f"urgence.requalifier.{cible}"
        sources = frozenset(_situation(s) for s in _liste(regle["depuis"], f"{champ}.depuis"))
        resultat[str(cible)] = (sources, _motifs(regle["contextes"], f"{champ}.contextes"))
    return resultat


def charger_lexique(dossier: Path = DOSSIER_CONTENUS) -> Lexique:
    brut = lire_fichier_yaml(dossier / "lexique.yaml")
    try:
        urgence = brut["urgence"]
        filet = urgence.get("filet") or {}
        noms = brut.get("noms") or {}
        motifs = {
            _situation(situation): _motifs(textes, f"urgence.motifs.{situation}")
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
            priorite_urgence=_liste(urgence.get("priorite") or [], "urgence.priorite"),
            requalifications_urgence=_requalifications(urgence.get("requalifier")),
            pas_maintenant_urgence=_motifs(
                urgence.get("pas_maintenant") or [], "urgence.pas_maintenant"
            ),
            maintenant_urgence=_motifs(urgence.get("maintenant") or [], "urgence.maintenant"),
            filet_urgence=frozenset(_liste(filet.get("mots") or [], "urgence.filet.mots")),
            filet_maintenant_urgence=_motifs(
                filet.get("maintenant") or [], "urgence.filet.maintenant"
            ),
            avant_un_nom=_liste(noms.get("apres") or [], "noms.apres"),
            avant_un_nom_propre=_liste(
                noms.get("apres_si_majuscule") or [], "noms.apres_si_majuscule"
            ),
            incises=frozenset(_liste(brut.get("incises") or [], "incises")),
            neutres=_liste(brut.get("neutres") or [], "neutres"),
            deja_percue=_liste(brut.get("deja_percue") or [], "deja_percue"),
            relances=_liste(brut.get("relances") or [], "relances"),
        )
    except (KeyError, TypeError, AttributeError) as erreur:
        raise ContenuInvalide([f"lexique.yaml: {erreur}: champ absent ou mal formé"]) from erreur
