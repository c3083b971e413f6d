"""`relais contenus verifier`: every content file complete, every template renders everywhere.

Each problem is one line `file: field: problem`, so that whoever writes content can fix it
without reading code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from jinja2 import TemplateError

from assistant.contenus import DOSSIER_CONTENUS, Catalogue, charger_catalogue
from assistant.contenus_console import charger_contenus_console
from assistant.erreurs import ContenuInvalide
from assistant.faits import DossierVu
from assistant.gsm import encodage, nombre_segments, vers_gsm7
from assistant.moteur import INTENTIONS_SUR_AIDE, NATURES_SANS_AIDE, Moteur
from assistant.rendu import FAMILLES, SMS, Rendeur
from assistant.reponse import Bloc, Reponse

MAX_SEGMENTS_SMS = 3


def verifier_contenus(dossier: Path = DOSSIER_CONTENUS) -> list[str]:
    try:
        catalogue = charger_catalogue(dossier)
    except ContenuInvalide as erreur:
        return erreur.problemes
    problemes = verifier_rendus(catalogue)
    try:
        charger_contenus_console(dossier)
    except ContenuInvalide as erreur:
        problemes.extend(erreur.problemes)
    return problemes


def _reponses_a_verifier(catalogue: Catalogue) -> list[tuple[str, str, Reponse]]:
    """(file, field, reply) for every aid × intent, every situation and every phrase."""
    moteur = Moteur.depuis_catalogue(catalogue)
    cas: list[tuple[str, str, Reponse]] = []
    for aide in catalogue.aides:
        for intention in INTENTIONS_SUR_AIDE:
            reponse = moteur.reponse_sur_aide(intention, aide)
            cas.append((f"aides/{aide}.yaml", intention, reponse))
    urgences = catalogue.urgences
    situations = [(s.id, s, s.numeros) for s in urgences.situations]
    for identifiant, situation, numeros in [*situations, ("defaut", None, urgences.defaut)]:
        donnees = {"situation": situation, "numeros": [urgences.numeros[n] for n in numeros]}
        cas.append(("urgences.yaml", identifiant, Reponse((Bloc("urgence", donnees=donnees),))))
    for aide in catalogue.aides:
        for statut in catalogue.statuts:
            bloc = Bloc("statut", aide, {"dossier": _dossier_exemple(aide, statut)})
            cas.append(
                ("statuts.yaml", f"{statut} ({aide})", Reponse((bloc, Bloc("alerte_question"))))
            )
            notification = Bloc("notification", aide, {**bloc.donnees, "ancien_statut": "recu"})
            cas.append(
                ("statuts.yaml", f"notification {statut} ({aide})", Reponse((notification,)))
            )
    lundi = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    for ouvert in (True, False):
        attente = Bloc("attente_conseiller", donnees={"ouvert": ouvert, "reprise": lundi})
        cas.append(
            (
                "phrases.yaml",
                f"attente_conseiller ({ouvert})",
                Reponse((Bloc("conseiller"), attente)),
            )
        )
    for nature in NATURES_SANS_AIDE:
        cas.append(("phrases.yaml", nature, moteur.reponse_simple(nature)))
    return cas


def _dossier_exemple(aide: str, statut: str) -> DossierVu:
    """A file as long as they get: three missing documents and a payment to come."""
    return DossierVu(
        numero="12345678",
        aide=aide,
        statut=statut,
        pieces_manquantes=(
            "Avis d'imposition 2025",
            "Attestation de loyer",
            "Relevé d'identité bancaire",
        ),
        prochain_versement_date=dt.date(2026, 12, 5),
        prochain_versement_montant=Decimal("1033.32"),
        organisme="CAF de la Gironde",
        a_un_telephone=True,
    )


def verifier_rendus(catalogue: Catalogue) -> list[str]:
    rendeur = Rendeur(catalogue)
    problemes = []
    for fichier, champ, reponse in _reponses_a_verifier(catalogue):
        for famille in FAMILLES:
            try:
                texte = rendeur.rendre(reponse, famille)
            except (TemplateError, KeyError, TypeError) as erreur:
                problemes.append(f"{fichier}: {champ}: gabarit {famille} : {erreur}")
                continue
            if not texte.strip():
                problemes.append(f"{fichier}: {champ}: gabarit {famille} : texte vide")
            if famille == SMS:
                sms = vers_gsm7(texte)
                segments = nombre_segments(sms)
                if segments > MAX_SEGMENTS_SMS:
                    problemes.append(
                        f"{fichier}: {champ}: SMS de {segments} segments "
                        f"(maximum {MAX_SEGMENTS_SMS}, {len(sms)} caractères)"
                    )
                if encodage(sms) != "GSM-7":
                    problemes.append(f"{fichier}: {champ}: SMS hors de l'alphabet GSM-7")
    return problemes
