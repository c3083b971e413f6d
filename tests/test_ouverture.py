from __future__ import annotations

import datetime as dt

import pytest

from assistant.ouverture import PARIS, Horaires, HorairesInvalides, jours_feries, paques

HORAIRES = Horaires.lire("lun-ven 09:00-12:30,13:30-17:00; sam 09:00-12:00")


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("annee", "jour"),
    [(2024, dt.date(2024, 3, 31)), (2026, dt.date(2026, 4, 5)), (2027, dt.date(2027, 3, 28))],
)
def test_paques(annee: int, jour: dt.date):
    assert paques(annee) == jour


def test_jours_feries_2026():
    feries = jours_feries(2026)
    assert len(feries) == 11
    assert dt.date(2026, 4, 6) in feries  # lundi de Pâques
    assert dt.date(2026, 5, 14) in feries  # Ascension
    assert dt.date(2026, 5, 25) in feries  # lundi de Pentecôte


@pytest.mark.parametrize(
    ("instant", "ouvert"),
    [
        (paris(2026, 11, 30, 10, 0), True),  # lundi matin
        (paris(2026, 11, 30, 12, 45), False),  # pause de midi
        (paris(2026, 11, 30, 17, 0), False),  # fermeture
        (paris(2026, 12, 5, 11, 59), True),  # samedi matin
        (paris(2026, 12, 5, 14, 0), False),  # samedi après-midi
        (paris(2026, 12, 6, 10, 0), False),  # dimanche
        (paris(2026, 12, 25, 10, 0), False),  # Noël, un vendredi
        (paris(2026, 11, 11, 10, 0), False),  # 11 novembre, un mercredi
    ],
)
def test_est_ouvert(instant: dt.datetime, ouvert: bool):
    assert HORAIRES.est_ouvert(instant) is ouvert


@pytest.mark.parametrize(
    ("instant", "attendu"),
    [
        (paris(2026, 11, 30, 12, 45), paris(2026, 11, 30, 13, 30)),
        (paris(2026, 12, 5, 14, 0), paris(2026, 12, 7, 9, 0)),
        (paris(2026, 12, 24, 18, 0), paris(2026, 12, 26, 9, 0)),
        (paris(2026, 11, 30, 10, 0), paris(2026, 11, 30, 10, 0)),
    ],
)
def test_prochaine_ouverture(instant: dt.datetime, attendu: dt.datetime):
    assert HORAIRES.prochaine_ouverture(instant) == attendu


def test_utc_converti_en_heure_de_paris():
    assert HORAIRES.est_ouvert(dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC))  # 9h30 Paris


@pytest.mark.parametrize(
    "texte",
    [
        "",
        "lundi 09:00-12:00",
        "lun 9h-12h",
        "lun 12:00-09:00",
        "ven-lun 09:00-10:00",
        "lun 25:00-26:00",
    ],
)
def test_horaires_invalides(texte: str):
    with pytest.raises(HorairesInvalides):
        Horaires.lire(texte)
