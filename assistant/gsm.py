"""What an SMS costs: GSM-7 alphabet, transliteration, segment count, splitting.

GSM-7 (3GPP TS 23.038, formerly GSM 03.38) carries 160 septets in one SMS, 153 per segment
once concatenated; an extension-table character (€, [, ...) is sent as ESC + char and takes
2 septets. One character outside the alphabet switches the whole message to UCS-2: 70
UTF-16 code units, 67 per segment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASE: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# "\f" (page break) is in the standard extension table too.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")

# Closest GSM-7 form of common non-GSM characters. Accented letters missing here go
# through the NFKD fallback in `_translitterer`.
_TABLE = str.maketrans(
    {
        **dict(zip("âêëîïôûçÀÂÈÊËÎÏÔÙÛ", "aeeiioucAAEEEIIOUU", strict=True)),
        "œ": "oe",
        "Œ": "OE",
        "’": "'",
        "‘": "'",
        "‚": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "…": "...",
        "\u00a0": " ",  # non-breaking space
        "\u202f": " ",  # narrow non-breaking space
        "\t": " ",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "−": "-",
        "•": "-",
        "°": " ",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",  # zero-width space
        "\ufeff": "",  # byte-order mark
    }
)
# "n°" would become "n " and lose its meaning: write it "no".
_NUMERO = re.compile(r"\b([Nn])°")

_PARAGRAPHE = re.compile(r"\n\s*\n")
_PHRASE = re.compile(r"(?<=[.!?:;])\s|\n")
_MOT = re.compile(r"\s")


_GSM7_TOUT = GSM7_BASE | GSM7_EXTENSION


def _est_gsm7(caractere: str) -> bool:
    return caractere in _GSM7_TOUT


def _translitterer(caractere: str) -> str:
    """NFKD without combining marks if that gives GSM-7 text, else the character itself."""
    if _est_gsm7(caractere):
        return caractere
    decompose = unicodedata.normalize("NFKD", caractere)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    if sans_accents and all(_est_gsm7(c) for c in sans_accents):
        return sans_accents
    return caractere


def vers_gsm7(texte: str) -> str:
    """Replace characters outside GSM-7 by their closest GSM-7 form.

    Characters with no sensible GSM-7 form (emoji, CJK, Arabic...) are kept as they are,
    so the message goes UCS-2 rather than losing meaning.
    """
    texte = unicodedata.normalize("NFC", texte)
    texte = _NUMERO.sub(r"\1o", texte).translate(_TABLE)
    if _GSM7_TOUT.issuperset(texte):
        return texte
    return "".join(_translitterer(c) for c in texte)


def encodage(texte: str) -> str:
    """Return "GSM-7" if every character is in the GSM-7 alphabet or extension, else "UCS-2"."""
    return GSM7 if _GSM7_TOUT.issuperset(texte) else UCS2


def _poids(texte: str) -> list[int]:
    """Cost of each character: septets in GSM-7, UTF-16 code units in UCS-2."""
    if encodage(texte) == GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in texte]
    return [2 if ord(c) > 0xFFFF else 1 for c in texte]


def _extensions(texte: str) -> int:
    return sum(texte.count(c) for c in GSM7_EXTENSION)


def longueur_septets(texte: str) -> int:
    """Septets in GSM-7 (extension characters count 2), UTF-16 code units in UCS-2."""
    return sum(_poids(texte))


def nombre_segments(texte: str) -> int:
    """Number of SMS billed for `texte` sent as one (concatenated) message.

    An empty text counts 1: sending it still costs a message. Beyond one SMS this is
    ceil(n / 153) (GSM-7) or ceil(n / 67) (UCS-2), except that an escape sequence or a
    surrogate pair is never split across two segments: it moves to the next one, as
    phones and operators do, which can cost one more segment.
    """
    gsm7 = encodage(texte) == GSM7
    seul, par_segment = (160, 153) if gsm7 else (70, 67)
    if len(texte) <= seul // 2 or (gsm7 and len(texte) + _extensions(texte) <= seul):
        return 1
    poids = _poids(texte)
    if sum(poids) <= seul:
        return 1
    segments, rempli = 1, 0
    for p in poids:
        if rempli + p > par_segment:
            segments, rempli = segments + 1, 0
        rempli += p
    return segments


def _plus_long_prefixe(texte: str, max_segments: int) -> int:
    """Length of the longest prefix of `texte` that fits in `max_segments` (at least 1)."""
    bas, haut = 1, len(texte)
    while bas < haut:
        milieu = (bas + haut + 1) // 2
        if nombre_segments(texte[:milieu]) <= max_segments:
            bas = milieu
        else:
            haut = milieu - 1
    return bas


def _point_de_coupe(texte: str, limite: int) -> int:
    """Where to cut `texte`, given that texte[:limite] is the longest prefix that fits.

    A paragraph or sentence boundary wins if it falls in the second half of the piece;
    else the last word boundary; else (a single word longer than the piece) a hard cut.
    """
    for motif, plus_tot in ((_PARAGRAPHE, limite // 2), (_PHRASE, limite // 2), (_MOT, 0)):
        coupes = [m.start() for m in motif.finditer(texte, plus_tot, limite + 1)]
        if coupes:
            return coupes[-1]
    return limite


def decouper(texte: str, max_segments: int = 3) -> list[str]:
    """Split `texte` into messages of at most `max_segments` segments each.

    If the text fits, it is returned whole (phones reassemble concatenated segments).
    Otherwise it is cut on paragraph, sentence, then word boundaries; a word is cut only
    if it alone does not fit. Whitespace at a cut is dropped.
    """
    if max_segments < 1:
        raise ValueError(f"max_segments doit être au moins 1, pas {max_segments}")
    morceaux: list[str] = []
    reste = texte
    while nombre_segments(reste) > max_segments:
        coupe = _point_de_coupe(reste, _plus_long_prefixe(reste, max_segments))
        if morceau := reste[:coupe].rstrip():
            morceaux.append(morceau)
        reste = reste[coupe:].lstrip()
    if reste or not morceaux:
        morceaux.append(reste)
    return morceaux


@dataclass(frozen=True)
class SMSPrepare:
    texte: str
    encodage: str
    segments: int


@lru_cache(maxsize=2048)
def preparer_sms(texte: str, max_segments: int = 3) -> tuple[SMSPrepare, ...]:
    """Transliterate, tidy (CRLF to LF, no trailing spaces on a line) and split `texte`.

    Remembered: most replies are the same few hundred texts, and preparing one costs
    more than storing the turn (benchmarks/charge_http.py).
    """
    texte = vers_gsm7(texte.replace("\r\n", "\n"))
    texte = "\n".join(ligne.rstrip(" ") for ligne in texte.split("\n"))
    return tuple(
        SMSPrepare(morceau, encodage(morceau), nombre_segments(morceau))
        for morceau in decouper(texte, max_segments)
    )
