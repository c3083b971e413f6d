"""The background worker, every few seconds: the messages kept during a database outage
are stored (`reprise`), then the outbox is sent (`expedier`)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping

from sqlalchemy.engine import Engine

from assistant.boite_envoi import Expediteur, expedier
from assistant.modeles import maintenant_utc

journal = logging.getLogger("relais.expedition")


class Expedition:
    def __init__(
        self,
        moteur_sql: Engine,
        expediteurs: Mapping[str, Expediteur],
        intervalle: float = 5.0,
        lot: int = 20,
        horloge: Callable[[], dt.datetime] = maintenant_utc,
        reprise: Callable[[], int] | None = None,
    ) -> None:
        self.moteur_sql, self.expediteurs, self.reprise = moteur_sql, expediteurs, reprise
        self.intervalle, self.lot, self.horloge = intervalle, lot, horloge
        self._arret = threading.Event()
        self._fil: threading.Thread | None = None

    def start(self) -> None:
        if self.en_marche:
            return
        self._arret.clear()
        self._fil = threading.Thread(target=self._boucle, name="relais-expedition", daemon=True)
        self._fil.start()

    @property
    def en_marche(self) -> bool:
        return self._fil is not None and self._fil.is_alive()

    def arreter(self, delai: float = 30.0) -> None:
        self._arret.set()
        if self._fil is not None:
            self._fil.join(delai)

    def _boucle(self) -> None:
        while not self._arret.is_set():
            plein = False
            try:
                if self.reprise is not None:
                    self.reprise()
                if self.expediteurs:
                    rapport = expedier(self.moteur_sql, self.expediteurs, self.horloge(), self.lot)
                    plein = rapport.traites >= self.lot
            except Exception as erreur:
                # The type only: a database error's message quotes its parameters (text, number).
                journal.error("expedition: tour en echec (%s)", type(erreur).__name__)
            # A full batch means more are due: go on at once.
            if not plein:
                self._arret.wait(self.intervalle)
