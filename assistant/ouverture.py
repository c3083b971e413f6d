"""The agents' opening hours (RELAIS_HORAIRES_CONSEILLERS), in Europe/Paris.

Format: `lun-ven 09:00-12:30,13:30-17:00; sam 09:00-12:00`. French public holidays
are closed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
JOURS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_PLAGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HorairesInvalides(ValueError):
    pass


def paques(annee: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    mois = (h + l_ - 7 * m + 114) // 31
    jour = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(annee, mois, jour)


def jours_feries(annee: int) -> frozenset[dt.date]:
    """The eleven public holidays of metropolitan France."""
    p = paques(annee)
    fixes = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    mobiles = [p + dt.timedelta(days=1), p + dt.timedelta(days=39), p + dt.timedelta(days=50)]
    return frozenset([dt.date(annee, m, j) for m, j in fixes] + mobiles)


@dataclass(frozen=True)
class Horaires:
    # For each weekday (0 = Monday), the opening slots as (start, end) times.
    plages: tuple[tuple[tuple[dt.time, dt.time], ...], ...]

    @classmethod
    def lire(cls, texte: str) -> Horaires:
        plages: list[list[tuple[dt.time, dt.time]]] = [[] for _ in JOURS]
        for morceau in filter(None, (m.strip() for m in texte.split(";"))):
            jours, _, heures = morceau.partition(" ")
            indices = _jours(jours.strip().lower())
            for plage in filter(None, (h.strip() for h in heures.split(","))):
                debut, fin = _plage(plage)
                for indice in indices:
                    plages[indice].append((debut, fin))
        if not any(plages):
            raise HorairesInvalides("aucune plage d'ouverture")
        return cls(tuple(tuple(sorted(p)) for p in plages))

    def est_ouvert(self, instant: dt.datetime) -> bool:
        local = instant.astimezone(PARIS)
        if local.date() in jours_feries(local.year):
            return False
        heure = local.time().replace(tzinfo=None)
        return any(debut <= heure < fin for debut, fin in self.plages[local.weekday()])

    def prochaine_ouverture(self, instant: dt.datetime) -> dt.datetime:
        """The next moment the agents are there (now, if they are)."""
        if self.est_ouvert(instant):
            return instant
        local = instant.astimezone(PARIS)
        for decalage in range(0, 15):
            jour = local.date() + dt.timedelta(days=decalage)
            if jour in jours_feries(jour.year):
                continue
            for debut, _fin in self.plages[jour.weekday()]:
                ouverture = dt.datetime.combine(jour, debut, tzinfo=PARIS)
                if ouverture > local:
                    return ouverture
        raise HorairesInvalides("aucune ouverture dans les deux semaines")


def _jours(texte: str) -> list[int]:
    debut, _, fin = texte.partition("-")
    if debut not in JOURS or (fin and fin not in JOURS):
        raise HorairesInvalides(f"jour inconnu « {texte} » (lun, mar, mer, jeu, ven, sam, dim)")
    a, b = JOURS.index(debut), JOURS.index(fin or debut)
    if b < a:
        raise HorairesInvalides(f"jours à l'envers « {texte} »")
    return list(range(a, b + 1))


def _plage(texte: str) -> tuple[dt.time, dt.time]:
    trouve = _PLAGE.match(texte)
    if not trouve:
        raise HorairesInvalides(f"plage « {texte} » : attendu HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(x) for x in trouve.groups())
    try:
        debut, fin = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError as erreur:
        raise HorairesInvalides(f"plage « {texte} » : heure impossible") from erreur
    if fin <= debut:
        raise HorairesInvalides(f"plage « {texte} » : la fin précède le début")
    return debut, fin
