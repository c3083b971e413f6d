"""What the console sends to citizens is content: complete, SMS-friendly, checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.contenus import DOSSIER_CONTENUS, Catalogue
from assistant.contenus_console import charger_contenus_console
from assistant.erreurs import ContenuInvalide
from assistant.gsm import encodage, nombre_segments, vers_gsm7


def test_les_reponses_preparees_et_les_phrases_tiennent_en_sms(catalogue: Catalogue):
    contenus = charger_contenus_console()
    textes = [r.texte for r in contenus.avec_resumes_des_aides(catalogue)]
    textes += [contenus.phrases.console_rendu_au_bot, contenus.phrases.console_clos]
    assert len(contenus.reponses) >= 5
    for texte in textes:
        sms = vers_gsm7(texte)
        assert encodage(sms) == "GSM-7" and nombre_segments(sms) <= 3, texte
    ids = [r.id for r in contenus.avec_resumes_des_aides(catalogue)]
    assert len(ids) == len(set(ids)) and "aide:rsa" in ids


def test_un_fichier_incomplet_est_signale_ligne_par_ligne(tmp_path: Path):
    for nom in ("reponses_preparees.yaml", "phrases_console.yaml"):
        shutil.copy(DOSSIER_CONTENUS / nom, tmp_path / nom)
    (tmp_path / "reponses_preparees.yaml").write_text(
        "- id: a\n  titre: Un titre\n  texte: Un texte assez long.\n"
        "- id: a\n  titre: Autre\n  texte: Un autre texte assez long.\n"
        "- id: b\n  titre: Sans texte\n",
        encoding="utf-8",
    )
    (tmp_path / "phrases_console.yaml").write_text("console_clos: Merci, au revoir.\n")
    with pytest.raises(ContenuInvalide) as erreur:
        charger_contenus_console(tmp_path)
    assert erreur.value.problemes == [
        "reponses_preparees.yaml: 1.id: a en double",
        "reponses_preparees.yaml: 2.texte: Field required",
        "phrases_console.yaml: console_rendu_au_bot: Field required",
    ]
