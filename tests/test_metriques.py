"""The turn counts read as the Prometheus client library's own counters and histograms."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from assistant.reponse import Reponse
from assistant.service import Sortie, Tour
from canaux.metriques import BORNES_SEGMENTS, Metriques


def _tours() -> list[tuple[str, Tour, float]]:
    def tour(intention: str | None, *segments: int | None) -> Tour:
        sorties = tuple(Sortie("texte", "GSM-7", s) for s in segments)
        return Tour(1, Reponse((), intention=intention), sorties)

    return [
        ("sms", tour("info_aide", 1, 2), 0.004),
        ("sms", tour(None, 6), 0.005),  # on a bound: counted in it
        ("whatsapp", tour("urgence", None), 0.3),
        ("sms", tour("info_aide", 7), 12.0),  # above every bound: +Inf only
        ("telegram", Tour(1, None, ()), 0.01),
    ]


def _par_la_bibliotheque(tours: list[tuple[str, Tour, float]]) -> str:
    registre = CollectorRegistry()
    messages = Counter("relais_messages", "Messages reçus et envoyés", ["canal", "sens"],
                       registry=registre)  # fmt: skip
    intentions = Counter("relais_intentions", "Intentions comprises", ["intention"],
                         registry=registre)  # fmt: skip
    segments = Histogram("relais_segments_sms", "Segments par SMS de réponse",
                         buckets=BORNES_SEGMENTS, registry=registre)  # fmt: skip
    latence = Histogram("relais_latence_secondes", "Durée d'un tour", ["canal"],
                        registry=registre)  # fmt: skip
    for canal, tour, duree in tours:
        messages.labels(canal, "entrant").inc()
        messages.labels(canal, "sortant").inc(len(tour.sorties))
        if tour.reponse is not None:
            intentions.labels(tour.reponse.intention or "aucune").inc()
        for sortie in tour.sorties:
            if sortie.segments is not None:
                segments.observe(sortie.segments)
        latence.labels(canal).observe(duree)
    return generate_latest(registre).decode()


def _echantillons(texte: str) -> list[str]:
    """The samples, without the creation times only the library's own metrics have."""
    return sorted(
        ligne
        for ligne in texte.splitlines()
        if ligne.startswith(
            ("relais_messages", "relais_intentions", "relais_segments", "relais_latence")
        )
        and "_created" not in ligne
    )


def test_les_comptes_des_tours_sont_ceux_de_la_bibliotheque():
    metriques = Metriques()
    assert _echantillons(metriques.exposer().decode()) == _echantillons(_par_la_bibliotheque([]))
    for canal, tour, duree in _tours():
        metriques.compter_tour(canal, tour, duree)
    attendu = _echantillons(_par_la_bibliotheque(_tours()))
    assert _echantillons(metriques.exposer().decode()) == attendu
    assert 'relais_segments_sms_bucket{le="6.0"} 3.0' in attendu
    assert 'relais_latence_secondes_bucket{canal="sms",le="+Inf"} 3.0' in attendu


def test_un_rejeu_et_une_panne_ne_comptent_pas_de_messages():
    metriques = Metriques()
    metriques.compter_tour("sms", Tour(1, None, (), rejoue=True), 0.001)
    metriques.compter_tour("sms", Tour(None, None, (), en_panne=True), 0.001)
    texte = metriques.exposer().decode()
    assert 'relais_rejeux_total{canal="sms"} 1.0' in texte
    assert 'relais_erreurs_total{lieu="sms"} 1.0' in texte
    assert "relais_messages_total{" not in texte
