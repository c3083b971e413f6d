"""Prometheus metrics of one application: messages, intents, segments, latency, errors."""

from __future__ import annotations

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

    def compter_tour(self, canal: str, tour: Tour, duree: float) -> None:
        if tour.en_panne:
            self.erreurs.labels(canal).inc()
            return
        if tour.rejoue:
            self.rejeux.labels(canal).inc()
            return
        self.messages.labels(canal, "entrant").inc()
        self.messages.labels(canal, "sortant").inc(len(tour.sorties))
        if tour.reponse is not None:
            self.intentions.labels(tour.reponse.intention or "aucune").inc()
        for sortie in tour.sorties:
            if sortie.segments is not None:
                self.segments.observe(sortie.segments)
        self.latence.labels(canal).observe(duree)

    def exposer(self) -> bytes:
        return generate_latest(self.registre)
