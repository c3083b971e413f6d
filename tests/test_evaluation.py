import json

import pytest

from assistant.comprehension import Comprehension
from assistant.evaluation import chiffres, evaluer, lignes_rapport


class Table:
    """Understands each message as the table says."""

    def __init__(self, reponses: dict[str, tuple[str, str | None]]) -> None:
        self.reponses = reponses

    def comprendre(self, texte: str) -> Comprehension:
        intention, aide = self.reponses[texte]
        return Comprehension(intention, aide, 0.5)


EXEMPLES = [
    {"texte": "a", "intention": "montant", "aide": "rsa"},
    {"texte": "b", "intention": "montant", "aide": "rsa"},
    {"texte": "c", "intention": "urgence", "aide": None},
    {"texte": "d", "intention": "urgence", "aide": None},
    {"texte": "e", "intention": "salutation", "aide": None},
]
REPONSES = {
    "a": ("montant", "rsa"),
    "b": ("montant", "apl"),
    "c": ("urgence", None),
    "d": ("hors_sujet", None),
    "e": ("urgence", None),
}


@pytest.fixture
def resultat() -> dict:
    return evaluer(EXEMPLES, Table(REPONSES))


@pytest.mark.parametrize(
    ("cle", "valeur"),
    [
        ("total", 5),
        ("intention", 0.6),
        ("aide", 0.8),
        ("les_deux", 0.4),
        ("urgence_rappel", 0.5),
        ("urgence_precision", 0.5),
    ],
)
def test_chiffres(resultat: dict, cle: str, valeur: float) -> None:
    assert resultat[cle] == valeur


def test_confusions(resultat: dict) -> None:
    assert resultat["confusions"] == [
        {"attendue": "salutation", "obtenue": "urgence", "nombre": 1},
        {"attendue": "urgence", "obtenue": "hors_sujet", "nombre": 1},
    ]


def test_erreurs(resultat: dict) -> None:
    assert [e["texte"] for e in resultat["erreurs"]] == ["b", "d", "e"]
    assert resultat["erreurs"][0]["obtenu"] == {"intention": "montant", "aide": "apl"}


def test_sans_urgence_ni_rien() -> None:
    vide = evaluer([], Table({}))
    assert vide["total"] == 0
    assert vide["urgence_rappel"] == 1.0
    assert vide["urgence_precision"] == 1.0


def test_rapport(resultat: dict) -> None:
    lignes = lignes_rapport(resultat)
    assert "Intention juste : 60.0 %" in lignes
    assert "  urgence -> hors_sujet : 1" in lignes
    assert any("'d'" in ligne for ligne in lignes)


def test_chiffres_en_json(resultat: dict) -> None:
    seuls = chiffres(resultat)
    assert "erreurs" not in seuls
    assert json.loads(json.dumps(seuls))["intention"] == 0.6
