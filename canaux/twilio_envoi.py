"""Sending SMS and WhatsApp messages from the outbox through Twilio's REST API."""

from __future__ import annotations

from typing import Any

from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from assistant.boite_envoi import EchecEnvoi, Envoi

API_TWILIO = "https://api.twilio.com"
# Below the outbox lease (60 s): a slow request must not outlive its claim.
DELAI_REQUETE = 20.0


class ClientHttpRedirige(TwilioHttpClient):
    """Twilio's HTTP client, sending to another Twilio-compatible base URL when one is set."""

    def __init__(self, api_url: str = "", timeout: float = DELAI_REQUETE) -> None:
        super().__init__(timeout=timeout)
        self.api_url = api_url.rstrip("/")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self.api_url and url.startswith(API_TWILIO):
            url = self.api_url + url[len(API_TWILIO) :]
        return super().request(method, url, params, data, headers, auth, timeout, allow_redirects)


class ExpediteurTwilio:
    """An `Expediteur` for the "sms" and "whatsapp" channels, from one Twilio number."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        numero: str,
        api_url: str = "",
        url_statut: str = "",
    ) -> None:
        self.numero = numero
        self.url_statut = url_statut
        self.client = Client(
            account_sid, auth_token, http_client=ClientHttpRedirige(api_url, DELAI_REQUETE)
        )

    def envoyer(self, envoi: Envoi) -> str:
        destinataire, expediteur = envoi.destinataire, self.numero
        if envoi.canal == "whatsapp":
            destinataire, expediteur = _whatsapp(destinataire), _whatsapp(expediteur)
        options: dict[str, Any] = {}
        if self.url_statut:
            options["status_callback"] = self.url_statut
        try:
            message = self.client.messages.create(
                to=destinataire, from_=expediteur, body=envoi.texte, **options
            )
        except (TwilioRestException, TwilioServiceException) as erreur:
            # The error message may quote the phone number: keep only the codes.
            transitoire = erreur.status == 429 or erreur.status >= 500
            raison = f"Twilio {erreur.code} (HTTP {erreur.status})"
            raise EchecEnvoi(raison, definitif=not transitoire) from erreur
        except RequestException as erreur:
            raise EchecEnvoi(f"réseau : {type(erreur).__name__}", definitif=False) from erreur
        if not message.sid:
            # Accepted but unidentifiable: sending again could deliver it twice.
            raise EchecEnvoi("Twilio : réponse sans identifiant", definitif=True)
        return message.sid


def _whatsapp(numero: str) -> str:
    return numero if numero.startswith("whatsapp:") else f"whatsapp:{numero}"
