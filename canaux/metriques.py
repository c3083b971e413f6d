"""Prometheus metrics of one application: messages, intents, segments, latency, errors."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from assistant.service import Tour


class Metriques:
    def __init__(self) -> None:
        # One registry per application, so that tests can build as many apps as they like.
        self.registre = CollectorRegistry()
        self.messages = Counter(
            "relais_messages",
            "Messages reçus et envoyés",
            ["canal", "sens"],
            registry=self.registre,
        )
        self.intentions = Counter(
            "relais_intentions", "Intentions comprises", ["intention"], registry=self.registre
        )
        self.segments = Histogram(
            "relais_segments_sms",
            "Segments par SMS de réponse",
            buckets=(1, 2, 3, 4, 6),
            registry=self.registre,
        )
        self.latence = Histogram(
            "relais_latence_secondes", "Durée d'un tour", ["canal"], registry=self.registre
        )
        self.erreurs = Counter("relais_erreurs", "Erreurs", ["lieu"], registry=self.registre)
        self.rejeux = Counter(
            "relais_rejeux", "Webhooks rejoués", ["canal"], registry=self.registre
        )
        # The labelled series, looked up once: `labels()` takes a lock and builds a key,
        # four times a turn (benchmarks/cout_webhook.py).
        self._series: dict[tuple[int, tuple[str, ...]], Any] = {}

    def _serie(self, metrique: Counter | Histogram, *etiquettes: str) -> Any:
        cle = (id(metrique), etiquettes)
        serie = self._series.get(cle)
        if serie is None:
            serie = self._series[cle] = metrique.labels(*etiquettes)
        return serie

    def compter_tour(self, canal: str, tour: Tour, duree: float) -> None:
        if tour.en_panne:
            self._serie(self.erreurs, canal).inc()
            return
        if tour.rejoue:
            self._serie(self.rejeux, canal).inc()
            return
        self._serie(self.messages, canal, "entrant").inc()
        self._serie(self.messages, canal, "sortant").inc(len(tour.sorties))
        if tour.reponse is not None:
            self._serie(self.intentions, tour.reponse.intention or "aucune").inc()
        for sortie in tour.sorties:
            if sortie.segments is not None:
                self.segments.observe(sortie.segments)
        self._serie(self.latence, canal).observe(duree)

    def exposer(self) -> bytes:
        return generate_latest(self.registre)
