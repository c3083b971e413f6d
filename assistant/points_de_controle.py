"""SQLite's log checkpoints, on a thread of their own rather than inside a turn.

In WAL mode every commit appends to the log. Past a threshold, the commit that crossed
it copies the log into the database and syncs the disk while its turn waits: 0.1 ms a
turn on average here, tens of milliseconds for the unlucky turn (benchmarks/
charge_http.py). The server checkpoints every second on this thread instead, where the
disk wait holds neither the event loop nor the GIL. The connections keep a higher
threshold of their own (`SEUIL_PAGES`) for processes that run no such thread, such as a
command-line import.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

journal = logging.getLogger("relais.base")
SEUIL_PAGES = 10_000  # about 40 MB of log before a connection checkpoints by itself


def sur_fichier_sqlite(moteur: Engine) -> bool:
    return moteur.dialect.name == "sqlite" and moteur.url.database not in (None, "", ":memory:")


class PointsDeControle:
    def __init__(self, moteur_sql: Engine, periode: float = 1.0) -> None:
        self.moteur_sql = moteur_sql
        self.periode = periode
        self.faits = 0  # checkpoints run, for the tests and the curious
        self._arret = threading.Event()
        self._fil: threading.Thread | None = None

    def demarrer(self) -> None:
        """Starts the thread for a SQLite file; nothing to do on PostgreSQL."""
        if not sur_fichier_sqlite(self.moteur_sql) or self._fil is not None:
            return
        self._arret.clear()
        self._fil = threading.Thread(target=self._boucle, name="relais-wal", daemon=True)
        self._fil.start()

    def arreter(self) -> None:
        self._arret.set()
        if self._fil is not None:
            self._fil.join(timeout=10)
            self._fil = None

    def controler(self) -> tuple[int, int]:
        """One checkpoint that waits for nobody: (pages in the log, pages copied)."""
        brute = self.moteur_sql.raw_connection()
        try:
            _occupe, journal_pages, copiees = brute.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
        finally:
            brute.close()
        self.faits += 1
        return journal_pages, copiees

    def _boucle(self) -> None:
        while not self._arret.wait(self.periode):
            try:
                self.controler()
            except Exception:
                journal.exception("point de contrôle SQLite en échec")
