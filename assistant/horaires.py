"""Quiet hours: no proactive message between 20:00 and 08:00 (Europe/Paris), nor on Sundays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DEBUT_JOURNEE = dt.time(8, 0)
FIN_JOURNEE = dt.time(20, 0)
DIMANCHE = 6


def _a_paris(instant: dt.datetime) -> dt.datetime:
    if instant.utcoffset() is None:
        # A naive datetime would be read in the server's zone, silently.
        raise ValueError("instant sans fuseau horaire")
    return instant.astimezone(PARIS)


def est_heure_calme(instant: dt.datetime) -> bool:
    local = _a_paris(instant)
    return local.weekday() == DIMANCHE or not DEBUT_JOURNEE <= local.time() < FIN_JOURNEE


def prochain_moment_permis(instant: dt.datetime) -> dt.datetime:
    """The instant itself if it is not quiet, else the next 08:00 Paris that is not a Sunday.

    Returned in UTC. 08:00 never falls in a daylight-saving gap (those are at 02:00).
    """
    if not est_heure_calme(instant):
        return instant.astimezone(dt.UTC)
    local = _a_paris(instant)
    jour = local.date() if local.time() < DEBUT_JOURNEE else local.date() + dt.timedelta(days=1)
    while jour.weekday() == DIMANCHE:
        jour += dt.timedelta(days=1)
    return dt.datetime.combine(jour, DEBUT_JOURNEE, tzinfo=PARIS).astimezone(dt.UTC)
