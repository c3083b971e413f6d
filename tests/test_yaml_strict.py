"""A content file with a key written twice is refused, with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.contenus import DOSSIER_CONTENUS
from assistant.erreurs import ContenuInvalide
from assistant.lexique import charger_lexique
from assistant.yaml_strict import lire_yaml


def test_une_cle_en_double_est_une_erreur() -> None:
    with pytest.raises(yaml.YAMLError, match="clé en double « fort »"):
        lire_yaml("pieces:\n  fort: [a]\n  moyen: [b]\n  fort: [c]\n")


def test_des_cles_distinctes_se_lisent_comme_avant() -> None:
    texte = "a: 1\nb: {c: [x, y], d: null}\n"
    assert lire_yaml(texte) == yaml.safe_load(texte)


def test_le_lexique_avec_une_cle_en_double_est_refuse(tmp_path: Path) -> None:
    lexique = (DOSSIER_CONTENUS / "lexique.yaml").read_text(encoding="utf-8")
    assert charger_lexique(DOSSIER_CONTENUS)  # the real one is clean
    # The second "sms:" table would silently replace the first.
    (tmp_path / "lexique.yaml").write_text(lexique + "\nsms:\n  slt: salut\n", encoding="utf-8")
    with pytest.raises(ContenuInvalide, match="clé en double « sms »"):
        charger_lexique(tmp_path)


def test_les_contenus_livres_n_ont_aucune_cle_en_double() -> None:
    lus = [lire_yaml(c.read_text(encoding="utf-8")) for c in DOSSIER_CONTENUS.rglob("*.yaml")]
    assert len(lus) > 20 and all(lu is not None for lu in lus)
