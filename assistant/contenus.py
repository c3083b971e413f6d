"""Loads the content of `contenus/`: the taxonomy, the aids, the emergencies, the phrases.

Content is data: every sentence a citizen reads comes from these files, validated here
so that a missing field is reported as `file: field: problem`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.erreurs import ContenuInvalide
from assistant.yaml_strict import lire_fichier_yaml

DOSSIER_CONTENUS = Path(str(resources.files("contenus")))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    titre: str = Field(min_length=3)
    url: str = Field(pattern=r"^https://")
    verifie_le: dt.date


class Montant(_Strict):
    texte: str = Field(min_length=3)
    detail: str = ""
    depuis: dt.date | None = None


class Demarche(_Strict):
    en_ligne: str = Field(min_length=3)
    sans_internet: str = Field(min_length=3)


class Aide(_Strict):
    """One aid, as `contenus/aides/<id>.yaml` describes it."""

    id: str
    nom: str = Field(min_length=3)
    nom_court: str = Field(min_length=2, max_length=30)
    mots: tuple[str, ...] = Field(min_length=1)
    indices: tuple[str, ...] = ()
    resume: str = Field(min_length=10)
    conditions: tuple[str, ...] = Field(min_length=1)
    montant: Montant
    demarche: Demarche
    pieces: tuple[str, ...] = Field(min_length=1)
    delai: str = Field(min_length=3)
    organisme: str = Field(min_length=3)
    contact: str = Field(min_length=3)
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("resume", "delai", "organisme", "contact")
    @classmethod
    def _sans_espaces_superflus(cls, valeur: str) -> str:
        return " ".join(valeur.split())


class Numero(_Strict):
    numero: str
    pour: str
    horaires: str = "Gratuit, 24 heures sur 24, 7 jours sur 7."


class SituationUrgence(_Strict):
    """A kind of distress, the words that reveal it, and the numbers to give."""

    id: str
    libelle: str
    mots: tuple[str, ...] = Field(min_length=1)
    numeros: tuple[str, ...] = Field(min_length=1)
    conseil: str


class Statut(_Strict):
    """What a file's status means, in plain words, and what happens next."""

    etat: str = Field(min_length=3)
    suite: str = Field(min_length=3)


class Urgences(_Strict):
    numeros: dict[str, Numero]
    situations: tuple[SituationUrgence, ...]
    defaut: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Taxonomie:
    intentions: dict[str, str]
    aides: dict[str, str]


@dataclass(frozen=True)
class Catalogue:
    """All the content the engine reads, loaded once."""

    taxonomie: Taxonomie
    aides: dict[str, Aide]
    urgences: Urgences
    phrases: dict[str, Any]
    statuts: dict[str, Statut] = field(default_factory=dict)
    dossier: Path = field(default=DOSSIER_CONTENUS)

    def aide(self, identifiant: str) -> Aide:
        return self.aides[identifiant]


def _problemes(nom_fichier: str, erreur: ValidationError) -> list[str]:
    lignes = []
    for detail in erreur.errors():
        champ = ".".join(str(p) for p in detail["loc"]) or "-"
        lignes.append(f"{nom_fichier}: {champ}: {detail['msg']}")
    return lignes


def charger_taxonomie(dossier: Path = DOSSIER_CONTENUS) -> Taxonomie:
    brut = lire_fichier_yaml(dossier / "taxonomie.yaml")
    return Taxonomie(
        intentions=dict(brut["intentions"]),
        aides={k: v["nom"] for k, v in brut["aides"].items()},
    )


def charger_catalogue(dossier: Path = DOSSIER_CONTENUS) -> Catalogue:
    """Loads and validates every content file; raises ContenuInvalide listing each problem."""
    problemes: list[str] = []
    taxonomie = charger_taxonomie(dossier)

    aides: dict[str, Aide] = {}
    for identifiant in taxonomie.aides:
        chemin = dossier / "aides" / f"{identifiant}.yaml"
        nom_fichier = f"aides/{identifiant}.yaml"
        if not chemin.exists():
            problemes.append(f"{nom_fichier}: -: fichier absent")
            continue
        try:
            aide = Aide.model_validate(lire_fichier_yaml(chemin))
        except ContenuInvalide as erreur:
            problemes.extend(erreur.problemes)
            continue
        except ValidationError as erreur:
            problemes.extend(_problemes(nom_fichier, erreur))
            continue
        if aide.id != identifiant:
            problemes.append(f"{nom_fichier}: id: vaut {aide.id!r}, attendu {identifiant!r}")
        aides[identifiant] = aide
    for chemin in sorted((dossier / "aides").glob("*.yaml")):
        if chemin.stem not in taxonomie.aides:
            problemes.append(f"aides/{chemin.name}: id: aide absente de taxonomie.yaml")

    urgences: Urgences | None = None
    try:
        urgences = Urgences.model_validate(lire_fichier_yaml(dossier / "urgences.yaml"))
    except ContenuInvalide as erreur:
        problemes.extend(erreur.problemes)
    except ValidationError as erreur:
        problemes.extend(_problemes("urgences.yaml", erreur))
    if urgences is not None:
        for situation in urgences.situations:
            for numero in situation.numeros:
                if numero not in urgences.numeros:
                    problemes.append(
                        f"urgences.yaml: situations.{situation.id}.numeros: "
                        f"{numero} absent de numeros"
                    )

    phrases = _charger_phrases(dossier, problemes)

    statuts = _charger_statuts(dossier, problemes)

    if problemes or urgences is None:
        raise ContenuInvalide(problemes)
    return Catalogue(
        taxonomie=taxonomie,
        aides=aides,
        urgences=urgences,
        phrases=phrases,
        statuts=statuts,
        dossier=dossier,
    )


def _charger_phrases(dossier: Path, problemes: list[str]) -> dict[str, Any]:
    """`phrases.yaml`, then `phrases_<channel>.yaml`: one set of keys, none defined twice."""
    phrases: dict[str, Any] = {}
    for chemin in [dossier / "phrases.yaml", *sorted(dossier.glob("phrases_*.yaml"))]:
        try:
            contenu = lire_fichier_yaml(chemin) or {}
        except ContenuInvalide as erreur:
            problemes.extend(erreur.problemes)
            continue
        for cle, valeur in contenu.items():
            if cle in phrases:
                problemes.append(f"{chemin.name}: {cle}: déjà défini dans un autre fichier")
            phrases[cle] = valeur
    return phrases


def _charger_statuts(dossier: Path, problemes: list[str]) -> dict[str, Statut]:
    from assistant.dossiers import STATUTS

    statuts: dict[str, Statut] = {}
    try:
        brut = lire_fichier_yaml(dossier / "statuts.yaml") or {}
    except ContenuInvalide as erreur:
        problemes.extend(erreur.problemes)
        return statuts
    for statut in STATUTS:
        if statut not in brut:
            problemes.append(f"statuts.yaml: {statut}: état absent")
            continue
        try:
            statuts[statut] = Statut.model_validate(brut[statut])
        except ValidationError as erreur:
            problemes.extend(_problemes("statuts.yaml", erreur))
    return statuts
