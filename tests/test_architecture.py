"""Dependencies point inwards: the engine side never imports channels, web or vendor SDKs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
INTERDITS_DANS_ASSISTANT = ("canaux", "fastapi", "starlette", "twilio", "telegram", "uvicorn")
PURS = ("moteur", "comprehension", "normalisation", "entites", "etat", "reponse", "rendu")


def modules_importes(chemin: Path) -> set[str]:
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms.update(alias.name.split(".")[0] for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            noms.add(noeud.module.split(".")[0])
            if noeud.module.startswith("assistant."):
                noms.add(noeud.module)
    return noms


@pytest.mark.parametrize(
    "chemin", sorted((RACINE / "assistant").glob("*.py")), ids=lambda p: p.name
)
def test_assistant_n_importe_ni_canaux_ni_fournisseurs(chemin: Path):
    interdits = modules_importes(chemin) & set(INTERDITS_DANS_ASSISTANT)
    assert not interdits, f"{chemin.name} importe {interdits}"


@pytest.mark.parametrize("nom", PURS)
def test_le_moteur_ne_touche_ni_base_ni_horloge(nom: str):
    chemin = RACINE / "assistant" / f"{nom}.py"
    if not chemin.exists():
        pytest.fail(f"{chemin} absent")
    importes = modules_importes(chemin)
    assert not importes & {"sqlmodel", "sqlalchemy", "assistant.service", "assistant.base"}
    source = chemin.read_text(encoding="utf-8")
    assert "datetime.now(" not in source and "time.time(" not in source
