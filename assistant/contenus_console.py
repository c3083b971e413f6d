"""What the agent console sends to citizens: prepared answers and its own phrases.

`contenus/reponses_preparees.yaml` and `contenus/phrases_console.yaml`, validated like the
rest of the content: a problem is one line `file: field: problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.contenus import DOSSIER_CONTENUS, Catalogue
from assistant.erreurs import ContenuInvalide
from assistant.yaml_strict import lire_fichier_yaml

FICHIER_REPONSES = "reponses_preparees.yaml"
FICHIER_PHRASES = "phrases_console.yaml"


class ReponsePreparee(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_:]+$")
    titre: str = Field(min_length=3, max_length=60)
    texte: str = Field(min_length=10)


class PhrasesConsole(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    console_rendu_au_bot: str = Field(min_length=10)
    console_clos: str = Field(min_length=10)


@dataclass(frozen=True)
class ContenusConsole:
    reponses: tuple[ReponsePreparee, ...]
    phrases: PhrasesConsole

    def avec_resumes_des_aides(self, catalogue: Catalogue) -> tuple[ReponsePreparee, ...]:
        """The prepared answers, then each aid's one-SMS summary."""
        resumes = tuple(
            ReponsePreparee(id=f"aide:{i}", titre=a.nom_court, texte=a.resume)
            for i, a in sorted(catalogue.aides.items(), key=lambda e: e[1].nom_court.lower())
        )
        return (*self.reponses, *resumes)


def _problemes(fichier: str, erreur: ValidationError, prefixe: str = "") -> list[str]:
    return [
        f"{fichier}: {prefixe}{'.'.join(str(p) for p in d['loc']) or '-'}: {d['msg']}"
        for d in erreur.errors()
    ]


def charger_contenus_console(dossier: Path = DOSSIER_CONTENUS) -> ContenusConsole:
    problemes: list[str] = []
    reponses: list[ReponsePreparee] = []
    brut = lire_fichier_yaml(dossier / FICHIER_REPONSES)
    if not isinstance(brut, list):
        problemes.append(f"{FICHIER_REPONSES}: -: une liste de réponses est attendue")
        brut = []
    for rang, element in enumerate(brut):
        try:
            reponse = ReponsePreparee.model_validate(element)
        except ValidationError as erreur:
            problemes.extend(_problemes(FICHIER_REPONSES, erreur, f"{rang}."))
            continue
        if any(r.id == reponse.id for r in reponses):
            problemes.append(f"{FICHIER_REPONSES}: {rang}.id: {reponse.id} en double")
        reponses.append(reponse)
    phrases: PhrasesConsole | None = None
    try:
        phrases = PhrasesConsole.model_validate(lire_fichier_yaml(dossier / FICHIER_PHRASES))
    except ValidationError as erreur:
        problemes.extend(_problemes(FICHIER_PHRASES, erreur))
    if problemes or phrases is None:
        raise ContenuInvalide(problemes)
    return ContenusConsole(tuple(reponses), phrases)
