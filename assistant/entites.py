"""Finds a file number and a date of birth in a message.

Dates are read first and taken out of the text, so that "12 03 1985" or "12031985" is
never mistaken for a file number. A French phone number ("06 12 34 56 78") is neither.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# At least 7 digits, a file number; groups of digits may be split by a space, dot or dash.
LONGUEUR_MIN_NUMERO = 7

_MOIS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "fevier": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7, "juill": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
_NOMS_MOIS = "|".join(sorted(_MOIS, key=len, reverse=True))
_SEP = r"\s*[/\-.]\s*"

_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DATE_NUMERIQUE = re.compile(
    rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})(?!\d)(?![/\-.]\d)"
)
# With spaces only, a two-digit year would read any number as a date: four digits then.
_DATE_ESPACEE = re.compile(r"(?<!\d)(\d{1,2}) (\d{1,2}) (\d{4})(?!\d)")
_DATE_EN_LETTRES = re.compile(
    rf"(?<![a-z\d])(\d{{1,2}}|1er|premier)\s*(?:er\s+)?({_NOMS_MOIS})\.?\s*(\d{{4}}|\d{{2}})(?!\d)"
)
_DATE_COLLEE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")

_GROUPES_DE_CHIFFRES = re.compile(r"(?<![\d])\d+(?:[ .\-]\d+)*(?!\d)")
_MOT_DOSSIER = re.compile(r"(dossier|allocataire|numero|n°|no\b|n\s*$)", re.IGNORECASE)
_TELEPHONE = re.compile(r"^(?:0[1-9]\d{8}|33[1-9]\d{8})$")
_TELEPHONE_ECRIT = re.compile(r"(?<!\d)(?:\+\s?33\s?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")


@dataclass(frozen=True)
class EntitesTrouvees:
    numero_dossier: str | None = None
    date_naissance: dt.date | None = None


def _simplifier(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in sans_accents if not unicodedata.combining(c))


def _annee(brute: str, annee_courante: int) -> int:
    if len(brute) == 4:
        return int(brute)
    siecle = annee_courante - annee_courante % 100
    annee = siecle + int(brute)
    # A birth date is in the past: "85" is 1985, "05" is 2005.
    return annee - 100 if annee > annee_courante else annee


def _date(annee: int, mois: int, jour: int, annee_courante: int) -> dt.date | None:
    if not 1900 <= annee <= annee_courante:
        return None
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        return None


def _chercher_date(texte: str, annee_courante: int) -> tuple[dt.date, tuple[int, int]] | None:
    for trouve in _DATE_ISO.finditer(texte):
        annee, mois, jour = (int(g) for g in trouve.groups())
        if date := _date(annee, mois, jour, annee_courante):
            return date, trouve.span()
    for trouve in _DATE_EN_LETTRES.finditer(texte):
        jour_brut, mois_brut, annee_brute = trouve.groups()
        jour = 1 if jour_brut in ("1er", "premier") else int(jour_brut)
        annee = _annee(annee_brute, annee_courante)
        if date := _date(annee, _MOIS[mois_brut], jour, annee_courante):
            return date, trouve.span()
    for motif in (_DATE_NUMERIQUE, _DATE_ESPACEE, _DATE_COLLEE):
        for trouve in motif.finditer(texte):
            if motif is _DATE_COLLEE and _annonce_un_numero(texte, trouve.start()):
                continue
            jour_brut, mois_brut, annee_brute = trouve.groups()
            annee = _annee(annee_brute, annee_courante)
            if date := _date(annee, int(mois_brut), int(jour_brut), annee_courante):
                return date, trouve.span()
    return None


def _annonce_un_numero(texte: str, position: int) -> bool:
    return bool(_MOT_DOSSIER.search(texte[max(0, position - 25) : position]))


def _chercher_numero(texte: str) -> str | None:
    candidats: list[tuple[bool, str]] = []
    for trouve in _GROUPES_DE_CHIFFRES.finditer(texte):
        chiffres = re.sub(r"\D", "", trouve.group(0))
        if len(chiffres) < LONGUEUR_MIN_NUMERO or _TELEPHONE.match(chiffres):
            continue
        candidats.append((_annonce_un_numero(texte, trouve.start()), chiffres))
    if not candidats:
        return None
    # A number announced by "dossier" or "numéro" wins over any other.
    return max(candidats, key=lambda c: c[0])[1]


def extraire_entites(texte: str, annee_courante: int | None = None) -> EntitesTrouvees:
    """The file number and the date of birth written in `texte`, when there are."""
    return _extraire(texte, annee_courante or dt.date.today().year)


# A turn reads its text's entities up to three times (the service, the understanding, the
# application check): the last texts are remembered.
@lru_cache(maxsize=256)
def _extraire(texte: str, annee: int) -> EntitesTrouvees:
    simple = _TELEPHONE_ECRIT.sub(lambda t: " " * len(t.group(0)), _simplifier(texte))
    date_trouvee = _chercher_date(simple, annee)
    date = None
    if date_trouvee:
        date, (debut, fin) = date_trouvee
        simple = simple[:debut] + " " * (fin - debut) + simple[fin:]
    return EntitesTrouvees(numero_dossier=_chercher_numero(simple), date_naissance=date)
