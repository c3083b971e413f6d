import datetime as dt

import pytest

from assistant.entites import extraire_entites

ANNEE = 2026


@pytest.mark.parametrize(
    ("texte", "numero"),
    [
        ("7654321", "7654321"),
        ("mon numéro de dossier : 7654321", "7654321"),
        ("n° 7654321", "7654321"),
        ("N°7654321", "7654321"),
        ("dossier 76 54 321", "7654321"),
        ("allocataire 765-4321", "7654321"),
        ("c'est le 12345678901", "12345678901"),
        ("j'ai 3 enfants", None),
        ("123456", None),
        ("appelez-moi au 06 12 34 56 78", None),
        ("mon tel 0612345678", None),
        ("+33 6 12 34 56 78", None),
        ("mon 06.12.34.56.78 et le dossier 7654321", "7654321"),
        ("dossier 14071989", "14071989"),
    ],
)
def test_numero_de_dossier(texte: str, numero: str | None) -> None:
    assert extraire_entites(texte, ANNEE).numero_dossier == numero


@pytest.mark.parametrize(
    ("texte", "date"),
    [
        ("14/07/1989", dt.date(1989, 7, 14)),
        ("14-07-1989", dt.date(1989, 7, 14)),
        ("14.07.89", dt.date(1989, 7, 14)),
        ("14/7/89", dt.date(1989, 7, 14)),
        ("14071989", dt.date(1989, 7, 14)),
        ("14 07 1989", dt.date(1989, 7, 14)),
        ("1989-07-14", dt.date(1989, 7, 14)),
        ("14 juillet 1989", dt.date(1989, 7, 14)),
        ("née le 14 juillet 1989", dt.date(1989, 7, 14)),
        ("né le 1er août 1950", dt.date(1950, 8, 1)),
        ("le 3 fév 2001", dt.date(2001, 2, 3)),
        ("05/06/07", dt.date(2007, 6, 5)),
        ("31/02/1990", None),
        ("14/07/2099", None),
        ("j'ai 45 ans", None),
        ("06 12 34 56 78", None),
    ],
)
def test_date_de_naissance(texte: str, date: dt.date | None) -> None:
    assert extraire_entites(texte, ANNEE).date_naissance == date


def test_numero_et_date_ensemble() -> None:
    trouvees = extraire_entites("dossier 7654321 né le 14/07/1989", ANNEE)
    assert trouvees.numero_dossier == "7654321"
    assert trouvees.date_naissance == dt.date(1989, 7, 14)


def test_annee_courante_par_defaut() -> None:
    assert extraire_entites("14/07/1989").date_naissance == dt.date(1989, 7, 14)
