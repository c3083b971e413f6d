"""Prometheus metrics of one application: messages, intents, segments, latency, errors."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import Counter as Compteur
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from assistant.service import Tour

BORNES_SEGMENTS = (1.0, 2.0, 3.0, 4.0, 6.0)
BORNES_LATENCE = tuple(b for b in Histogram.DEFAULT_BUCKETS if b != float("inf"))


class _Histogramme:
    def __init__(self, bornes: tuple[float, ...]) -> None:
        self.bornes = bornes
        self.comptes = [0] * (len(bornes) + 1)  # the last one: above every bound (+Inf)
        self.somme = 0.0

    def observer(self, valeur: float) -> None:
        self.comptes[bisect_left(self.bornes, valeur)] += 1
        self.somme += valeur

    def seaux(self) -> list[tuple[str, float]]:
        """Prometheus's cumulative buckets: each counts the values at or below its bound."""
        cumul, seaux = 0, []
        for borne, compte in zip((*self.bornes, float("inf")), self.comptes, strict=True):
            cumul += compte
            seaux.append((floatToGoString(borne), float(cumul)))
        return seaux


class _ComptesDesTours(Collector):
    """The counts every turn updates, as plain numbers under one lock, turned into Prometheus
    families when scraped: the client library's counters and histograms take a lock and a
    lookup at every update, six to nine times a turn (9 µs a turn over HTTP, py-spy on
    benchmarks/charge_http.py). Tested equal to the library's own."""

    def __init__(self) -> None:
        self.verrou = threading.Lock()
        self.messages: Compteur[tuple[str, str]] = Compteur()
        self.intentions: Compteur[str] = Compteur()
        self.segments = _Histogramme(BORNES_SEGMENTS)
        self.latences: dict[str, _Histogramme] = {}

    def compter(self, canal: str, tour: Tour, duree: float) -> None:
        with self.verrou:
            self.messages[canal, "entrant"] += 1
            self.messages[canal, "sortant"] += len(tour.sorties)
            if tour.reponse is not None:
                self.intentions[tour.reponse.intention or "aucune"] += 1
            for sortie in tour.sorties:
                if sortie.segments is not None:
                    self.segments.observer(sortie.segments)
            latence = self.latences.get(canal)
            if latence is None:
                latence = self.latences[canal] = _Histogramme(BORNES_LATENCE)
            latence.observer(duree)

    def collect(self) -> Iterator[Metric]:
        with self.verrou:
            messages = CounterMetricFamily(
                "relais_messages", "Messages reçus et envoyés", labels=["canal", "sens"]
            )
            for (canal, sens), nombre in sorted(self.messages.items()):
                messages.add_metric([canal, sens], nombre)
            intentions = CounterMetricFamily(
                "relais_intentions", "Intentions comprises", labels=["intention"]
            )
            for intention, nombre in sorted(self.intentions.items()):
                intentions.add_metric([intention], nombre)
            segments = HistogramMetricFamily(
                "relais_segments_sms", "Segments par SMS de réponse", labels=[]
            )
            segments.add_metric([], self.segments.seaux(), self.segments.somme)
            latence = HistogramMetricFamily(
                "relais_latence_secondes", "Durée d'un tour", labels=["canal"]
            )
            for canal, histogramme in sorted(self.latences.items()):
                latence.add_metric([canal], histogramme.seaux(), histogramme.somme)
        yield from (messages, intentions, segments, latence)


class Metriques:
    def __init__(self) -> None:
        # One registry per application, so that tests can build as many apps as they like.
        self.registre = CollectorRegistry()
        self._tours = _ComptesDesTours()
        self.registre.register(self._tours)
        self.erreurs = Counter("relais_erreurs", "Erreurs", ["lieu"], registry=self.registre)
        self.rejeux = Counter(
            "relais_rejeux", "Webhooks rejoués", ["canal"], registry=self.registre
        )
        # The labelled series, looked up once: `labels()` takes a lock and builds a key.
        self._series: dict[tuple[int, tuple[str, ...]], Any] = {}

    def _serie(self, metrique: Counter, *etiquettes: str) -> Any:
        cle = (id(metrique), etiquettes)
        serie = self._series.get(cle)
        if serie is None:
            serie = self._series[cle] = metrique.labels(*etiquettes)
        return serie

    def compter_tour(self, canal: str, tour: Tour, duree: float) -> None:
        if tour.en_panne:
            self._serie(self.erreurs, canal).inc()
        elif tour.rejoue:
            self._serie(self.rejeux, canal).inc()
        else:
            self._tours.compter(canal, tour, duree)

    def exposer(self) -> bytes:
        return generate_latest(self.registre)
