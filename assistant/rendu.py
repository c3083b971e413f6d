"""Renders a neutral reply as text for a family of channels, with the Jinja2 templates.

Templates live in `contenus/gabarits/<famille>/<nature>.j2`; a nature without a template
of its family uses `commun/<nature>.j2`, and a plain phrase uses `commun/_defaut.j2`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound

from assistant.contenus import Catalogue
from assistant.ouverture import PARIS
from assistant.reponse import Bloc, Choix, Reponse

SMS = "sms"
MESSAGERIE = "messagerie"
VOIX = "voix"
FAMILLES = (SMS, MESSAGERIE, VOIX)

# Which family renders each channel.
FAMILLE_DU_CANAL = {
    "sms": SMS,
    "whatsapp": MESSAGERIE,
    "telegram": MESSAGERIE,
    "voix": VOIX,
}

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def date_fr(jour: dt.date) -> str:
    """12 mars 2025; the first of the month reads "1er"."""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{quantieme} {MOIS[jour.month - 1]} {jour.year}"


_MONTANT = re.compile(r"(\d[\d  ]*),(\d{2})\s*€")
_URL = re.compile(r"\s*\(?https?://\S+\)?")


def jour_mois(jour: dt.date) -> str:
    """For the ear: "5 décembre" (the year is implied)."""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{quantieme} {MOIS[jour.month - 1]}"


def euros(montant: Decimal | float | int) -> str:
    """646,52 € with a French decimal comma; whole amounts without decimals."""
    valeur = Decimal(str(montant)).quantize(Decimal("0.01"))
    entier, _, centimes = f"{valeur:,.2f}".replace(",", " ").partition(".")
    return f"{entier} €" if centimes == "00" else f"{entier},{centimes} €"


JOURS_SEMAINE = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def moment(instant: dt.datetime) -> str:
    """ "lundi 7 décembre à 9h" or "à 13h30", in Paris time."""
    local = instant.astimezone(PARIS)
    heure = f"{local.hour}h{local.minute:02d}" if local.minute else f"{local.hour}h"
    return f"{JOURS_SEMAINE[local.weekday()]} {jour_mois(local.date())} à {heure}"


def oral(texte: str) -> str:
    """Text for the ear: amounts as "646 euros 52", no URLs, no symbols to spell."""
    texte = _URL.sub("", texte)
    texte = _MONTANT.sub(lambda m: f"{m.group(1).strip()} euros {m.group(2)}", texte)
    texte = texte.replace("€", "euros").replace("%", " pour cent").replace("/", " sur ")
    return " ".join(texte.split())


def chiffres_lents(numero: str) -> str:
    """A short number said digit group by digit group: "3 9 1 9" is said slowly."""
    return ", ".join(numero)


class Rendeur:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.environnement = Environment(
            loader=FileSystemLoader(catalogue.dossier / "gabarits"),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environnement.filters.update(
            date_fr=date_fr,
            jour_mois=jour_mois,
            moment=moment,
            euros=euros,
            oral=oral,
            chiffres_lents=chiffres_lents,
        )
        self._cache: dict[tuple[str, str], Template] = {}
        self._blocs_fixes: dict[tuple[str, str, str | None], str] = {}
        self._choix_rendus = lru_cache(maxsize=1024)(self._rendre_choix)

    def gabarit(self, famille: str, nature: str) -> Template:
        cle = (famille, nature)
        if cle not in self._cache:
            for nom in (f"{famille}/{nature}.j2", f"commun/{nature}.j2", "commun/_defaut.j2"):
                try:
                    self._cache[cle] = self.environnement.get_template(nom)
                    break
                except TemplateNotFound:
                    continue
        return self._cache[cle]

    def rendre_bloc(self, bloc: Bloc, famille: str) -> str:
        if bloc.donnees:
            return self._rendre_bloc(bloc, famille)
        # Without data of its own a block always reads the same: an aid's explanation,
        # the menu... Remembered per family, nature and aid, which the content bounds.
        cle = (famille, bloc.nature, bloc.aide)
        texte = self._blocs_fixes.get(cle)
        if texte is None:
            texte = self._blocs_fixes[cle] = self._rendre_bloc(bloc, famille)
        return texte

    def _rendre_bloc(self, bloc: Bloc, famille: str) -> str:
        contexte: dict[str, Any] = {
            "phrases": self.catalogue.phrases,
            "statuts": self.catalogue.statuts,
            "nature": bloc.nature,
            "aide": self.catalogue.aides[bloc.aide] if bloc.aide else None,
            **bloc.donnees,
        }
        return self.gabarit(famille, bloc.nature).render(contexte).strip()

    def rendre_choix(self, choix: tuple[Choix, ...], famille: str) -> str:
        if not choix:
            return ""
        return self._choix_rendus(choix, famille)

    def _rendre_choix(self, choix: tuple[Choix, ...], famille: str) -> str:
        return self.gabarit(famille, "choix").render(choix=choix).strip()

    def rendre(self, reponse: Reponse, famille: str, choix_en_texte: bool = True) -> str:
        """The whole reply as one text; `choix_en_texte=False` when the channel shows buttons."""
        parties = [self.rendre_bloc(bloc, famille) for bloc in reponse.blocs]
        if choix_en_texte:
            parties.append(self.rendre_choix(reponse.choix, famille))
        return "\n".join(p for p in parties if p)
