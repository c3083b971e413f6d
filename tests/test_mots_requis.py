"""The words a pattern needs: read right, and never hiding a match (on our own messages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.comprehension import Comprehenseur
from assistant.contenus import Catalogue
from assistant.lexique import charger_lexique
from assistant.mots_requis import FiltreDeMotifs, MotsRequis, mots_requis

FREQUENTS = frozenset({"je", "j", "il", "on", "de", "la", "au"})
DONNEES = Path(__file__).parent / "donnees"


@pytest.mark.parametrize(
    ("motif", "attendu"),
    [
        (r"\bfrigo (vide|est vide)\b", MotsRequis(frozenset({"frigo"}), ())),
        (r"frigo vide\b", MotsRequis(frozenset({"vide"}), ())),
        # The rarest list is kept: "dehors", not "je" or "j".
        (r"\b(je|j) (dors|dort) dehors\b", MotsRequis(frozenset({"dehors"}), ())),
        (
            r"\bmaltraitee?s?\b",
            MotsRequis(frozenset({"maltraite", "maltraitee", "maltraites", "maltraitees"}), ()),
        ),
        # A word that goes on unknown is a prefix.
        (r"\bfrapp\w* (a|sur) la porte\b", MotsRequis(frozenset({"porte"}), ())),
        (r"\bfrapp\w*\b", MotsRequis(frozenset(), ("frapp",))),
        # Each alternative at the top needs its own words.
        (r"\bgaz\b|\bfumee\b", MotsRequis(frozenset({"gaz", "fumee"}), ())),
        (r"\bau feu$", MotsRequis(frozenset({"feu"}), ())),
    ],
)
def test_mots_lus_dans_le_motif(motif: str, attendu: MotsRequis) -> None:
    assert mots_requis(re.compile(motif), FREQUENTS) == attendu


@pytest.mark.parametrize(
    "motif",
    [
        r"frigo",  # may start inside a word: "superfrigo"
        r"\b\d+\b",  # a class first
        r"\bgaz\b|[0-9]+",  # one alternative unreadable
        r"(\bgaz\b)",  # nothing says where the group starts
    ],
)
def test_motif_illisible_toujours_joue(motif: str) -> None:
    assert mots_requis(re.compile(motif), FREQUENTS) is None
    filtre = FiltreDeMotifs([(None, re.compile(motif))], FREQUENTS)
    assert filtre.rangs(frozenset({"rien"})) == [0]


def test_le_filtre_garde_l_ordre_et_ecarte_ce_qui_ne_peut_pas_correspondre() -> None:
    motifs = (re.compile(r"\bgaz\b"), re.compile(r"\bfrapp\w*"), re.compile(r"\bfumee\b"))
    filtre = FiltreDeMotifs(((None, m) for m in motifs), FREQUENTS)
    assert filtre.rangs(frozenset({"fumee", "il", "frappait"})) == [1, 2]
    assert filtre.rangs(frozenset({"bonjour"})) == []


def test_sur_notre_lexique_le_filtre_ne_cache_aucune_correspondance(
    catalogue: Catalogue,
) -> None:
    comprehenseur = Comprehenseur(catalogue)
    lexique = charger_lexique()
    motifs = [m for ms in lexique.motifs_urgence.values() for m in ms]
    motifs += [*lexique.exclusions_urgence]
    motifs += [m for ms in lexique.motifs_intentions.values() for m, _ in ms]
    filtre = FiltreDeMotifs(((None, m) for m in motifs), frozenset(lexique.vides))
    textes = [
        " ".join(comprehenseur._mots(json.loads(ligne)["texte"]))
        for jeu in sorted(DONNEES.glob("*.jsonl"))
        for ligne in jeu.read_text(encoding="utf-8").splitlines()
        if ligne
    ]
    assert len(textes) > 1500
    lus, joues, attendus = 0, 0, 0
    for texte in textes:
        rangs = set(filtre.rangs(frozenset(texte.split())))
        joues += len(rangs)
        for rang, motif in enumerate(motifs):
            if motif.search(texte):
                attendus += 1
                assert rang in rangs, (motif.pattern, texte)
    lus = sum(mots_requis(m, frozenset(lexique.vides)) is not None for m in motifs)
    assert lus >= 0.95 * len(motifs)
    assert attendus > 500
    # The point of it: most patterns are not run on a given message.
    assert joues < 0.25 * len(textes) * len(motifs)
