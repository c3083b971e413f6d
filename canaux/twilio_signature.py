"""Reading a Twilio webhook: the form, and its signature checked against the public URL."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request
from twilio.request_validator import RequestValidator


class RequeteTwilio:
    """The form of a Twilio webhook, read tolerantly: invalid UTF-8 becomes U+FFFD."""

    def __init__(self, champs: dict[str, str], signature_valide: bool) -> None:
        self.champs = champs
        self.signature_valide = signature_valide

    def get(self, nom: str, defaut: str = "") -> str:
        return self.champs.get(nom, defaut)


async def lire_requete_twilio(request: Request, jeton: str, url_publique: str) -> RequeteTwilio:
    corps = await request.body()
    champs = dict(
        parse_qsl(
            corps.decode("utf-8", errors="replace"),
            keep_blank_values=True,
            errors="replace",
        )
    )
    # Twilio signs the URL it called: behind a proxy, that is the public one, not ours.
    url = url_publique + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("X-Twilio-Signature", "")
    valide = bool(jeton and signature) and RequestValidator(jeton).validate(url, champs, signature)
    return RequeteTwilio(champs, valide)
