"""YAML for the contents, where a key written twice is an error rather than a silent loss.

PyYAML keeps the last of two equal keys: a second `fort:` under one intent once replaced
the first list whole, and understanding fell by five points without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from assistant.erreurs import ContenuInvalide


class _ChargeurStrict(yaml.SafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        vues: set[Any] = set()
        for cle_noeud, _ in node.value:
            cle = self.construct_object(cle_noeud, deep=deep)
            if cle in vues:
                raise ConstructorError(
                    "dans une table", node.start_mark,
                    f"clé en double « {cle} »", cle_noeud.start_mark,
                )  # fmt: skip
            vues.add(cle)
        return super().construct_mapping(node, deep=deep)


def lire_yaml(texte: str) -> Any:
    """`yaml.safe_load`, refusing a key written twice in one table (a YAMLError)."""
    return yaml.load(texte, Loader=_ChargeurStrict)


def lire_fichier_yaml(chemin: Path) -> Any:
    """A content file read with `lire_yaml`; unreadable, a ContenuInvalide naming the file
    (an aid's as "aides/rsa.yaml")."""
    try:
        return lire_yaml(chemin.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as erreur:
        nom = (
            chemin.relative_to(chemin.parent.parent)
            if chemin.parent.name == "aides"
            else chemin.name
        )
        raise ContenuInvalide([f"{nom}: -: illisible ({erreur})"]) from erreur
