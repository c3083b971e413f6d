from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.horaires import est_heure_calme, prochain_moment_permis

PARIS = ZoneInfo("Europe/Paris")


def paris(annee: int, mois: int, jour: int, heure: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def utc(annee: int, mois: int, jour: int, heure: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(annee, mois, jour, heure, minute, tzinfo=dt.UTC)


# 2025-01-15 is a Wednesday; 2025-03-30 and 2025-10-26 are the last Sundays of March and
# October, when Paris moves to UTC+2 and back to UTC+1.
@pytest.mark.parametrize(
    ("instant", "calme"),
    [
        (paris(2025, 1, 15, 7, 59), True),
        (paris(2025, 1, 15, 8, 0), False),
        (paris(2025, 1, 15, 12, 0), False),
        (paris(2025, 1, 15, 19, 59), False),
        (paris(2025, 1, 15, 20, 0), True),
        (paris(2025, 1, 15, 23, 30), True),
        (paris(2025, 1, 18, 12, 0), False),  # Saturday
        (paris(2025, 1, 18, 20, 30), True),
        (paris(2025, 1, 19, 12, 0), True),  # Sunday, at noon
        (paris(2025, 1, 20, 0, 30), True),  # Monday night
        # The hour that counts is Paris's, not UTC's.
        (utc(2025, 7, 1, 6, 30), False),  # 08:30 in summer
        (utc(2025, 7, 1, 18, 30), True),  # 20:30 in summer
        (utc(2025, 1, 15, 7, 30), False),  # 08:30 in winter
        (utc(2025, 1, 15, 19, 30), True),  # 20:30 in winter
        (utc(2025, 1, 15, 6, 59), True),  # 07:59 in winter
        (utc(2025, 1, 18, 23, 30), True),  # Saturday in UTC, already Sunday in Paris
    ],
)
def test_est_heure_calme(instant: dt.datetime, calme: bool):
    assert est_heure_calme(instant) is calme


@pytest.mark.parametrize(
    ("instant", "attendu"),
    [
        # Evening -> next morning, night -> same morning.
        (paris(2025, 1, 15, 21, 0), utc(2025, 1, 16, 7, 0)),
        (paris(2025, 1, 15, 20, 0), utc(2025, 1, 16, 7, 0)),
        (paris(2025, 1, 16, 0, 10), utc(2025, 1, 16, 7, 0)),
        (paris(2025, 1, 16, 7, 59), utc(2025, 1, 16, 7, 0)),
        # Friday evening -> Saturday morning; Saturday evening and Sunday -> Monday.
        (paris(2025, 1, 17, 20, 0), utc(2025, 1, 18, 7, 0)),
        (paris(2025, 1, 18, 20, 30), utc(2025, 1, 20, 7, 0)),
        (paris(2025, 1, 19, 0, 30), utc(2025, 1, 20, 7, 0)),
        (paris(2025, 1, 19, 10, 0), utc(2025, 1, 20, 7, 0)),
        (paris(2025, 1, 19, 23, 0), utc(2025, 1, 20, 7, 0)),
        # Spring forward on Sunday 30 March: Saturday 21:00 UTC+1 -> Monday 08:00 UTC+2.
        (paris(2025, 3, 29, 21, 0), utc(2025, 3, 31, 6, 0)),
        (paris(2025, 3, 30, 4, 0), utc(2025, 3, 31, 6, 0)),
        (paris(2025, 3, 28, 22, 0), utc(2025, 3, 29, 7, 0)),  # Friday -> Saturday, still winter
        # Fall back on Sunday 26 October: Saturday 22:00 UTC+2 -> Monday 08:00 UTC+1.
        (paris(2025, 10, 25, 22, 0), utc(2025, 10, 27, 7, 0)),
        (utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 7, 0)),  # 02:30 CEST, the first one
        (paris(2025, 10, 24, 21, 0), utc(2025, 10, 25, 6, 0)),  # Friday -> Saturday, still summer
        # A Paris evening already on the next day in UTC.
        (utc(2025, 7, 1, 22, 30), utc(2025, 7, 2, 6, 0)),
    ],
)
def test_prochain_moment_permis_en_heure_calme(instant: dt.datetime, attendu: dt.datetime):
    resultat = prochain_moment_permis(instant)
    assert resultat == attendu
    assert resultat.tzinfo is dt.UTC
    assert resultat.astimezone(PARIS).time() == dt.time(8, 0)
    assert not est_heure_calme(resultat)


def test_hors_heure_calme_le_moment_permis_est_l_instant_meme():
    instant = paris(2025, 1, 15, 14, 12)
    resultat = prochain_moment_permis(instant)
    assert resultat == instant
    assert resultat.tzinfo is dt.UTC


def test_un_instant_sans_fuseau_est_refuse():
    with pytest.raises(ValueError, match="fuseau"):
        est_heure_calme(dt.datetime(2025, 1, 15, 21, 0))
    with pytest.raises(ValueError, match="fuseau"):
        prochain_moment_permis(dt.datetime(2025, 1, 15, 21, 0))
