"""A step of the phone menu written as TwiML: <Say> in French, <Gather>, <Dial> or <Enqueue>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

from canaux.voix_document import DATE, NUMERO, TOUCHE, TRANSFERER, Document, Phrase

LANGUE = "fr-FR"
# The Twilio queue a call joins when no agents' number is set.
FILE_CONSEILLERS = "conseillers"
ATTENTE_TRANSFERT = 30

# Twilio wants an integer speechTimeout (seconds of silence that end speech), not "auto".
_ECOUTES: dict[str, dict[str, Any]] = {
    # One key acts at once, # and * included.
    TOUCHE: {"num_digits": 1, "finish_on_key": "", "timeout": 6, "speech_timeout": 2},
    NUMERO: {"finish_on_key": "#", "timeout": 10, "speech_timeout": 3},
    DATE: {"num_digits": 8, "finish_on_key": "#", "timeout": 12, "speech_timeout": 3},
}


@dataclass(frozen=True)
class Reglages:
    voix: str
    # Absolute URL of the next step's webhook (Twilio signs the URL it calls).
    url_suite: str
    numero_conseillers: str = ""
    indices: str = ""

    @property
    def ssml(self) -> bool:
        """Amazon Polly and Google voices read SSML (a slower pace for emergency numbers)."""
        return self.voix.startswith(("Polly.", "Google."))


def _dire(parent: VoiceResponse | Gather, phrase: Phrase, reglages: Reglages) -> None:
    if phrase.lent and reglages.ssml:
        say: Say = parent.say(voice=reglages.voix, language=LANGUE)
        say.prosody(phrase.texte, rate="slow")
    else:
        parent.say(phrase.texte, voice=reglages.voix, language=LANGUE)


def ecrire(document: Document, etape_suivante: int, reglages: Reglages) -> str:
    reponse = VoiceResponse()
    action = f"{reglages.url_suite}?etape={etape_suivante}"
    if document.ecoute is not None:
        ecoute = reponse.gather(
            action=action,
            method="POST",
            input="dtmf speech",
            language=LANGUE,
            hints=reglages.indices or None,
            **_ECOUTES[document.ecoute],
        )
        for phrase in document.phrases:
            _dire(ecoute, phrase, reglages)
        if document.sans_reponse:
            for phrase in document.sans_reponse:
                _dire(reponse, phrase, reglages)
            reponse.hangup()
        else:
            # The <Gather> got nothing: the same next step, told that the caller was silent.
            reponse.redirect(f"{action}&silence=1", method="POST")
        return str(reponse)
    for phrase in document.phrases:
        _dire(reponse, phrase, reglages)
    if document.fin == TRANSFERER:
        if reglages.numero_conseillers:
            appel = reponse.dial(action=action, method="POST", timeout=ATTENTE_TRANSFERT)
            appel.number(reglages.numero_conseillers)
        else:
            reponse.enqueue(FILE_CONSEILLERS, action=action, method="POST")
    else:
        reponse.hangup()
    return str(reponse)
