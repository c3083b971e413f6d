"""Settings, read once from the environment (and `.env`), validated, in one typed object."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.base import URL_PAR_DEFAUT
from assistant.erreurs import ConfigurationInvalide
from assistant.ouverture import Horaires, HorairesInvalides

CANAUX = ("sms", "voix", "telegram")
# What each channel needs to run.
_REQUIS = {
    "sms": ("TWILIO_AUTH_TOKEN", "RELAIS_URL_PUBLIQUE"),
    "voix": ("TWILIO_AUTH_TOKEN", "RELAIS_URL_PUBLIQUE"),
    "telegram": ("TELEGRAM_BOT_TOKEN",),
}


class Parametres(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, populate_by_name=True
    )

    database_url: str = Field(default=URL_PAR_DEFAUT, validation_alias="DATABASE_URL")
    relais_secret_key: str = Field(default="", validation_alias="RELAIS_SECRET_KEY")
    relais_url_publique: str = Field(default="", validation_alias="RELAIS_URL_PUBLIQUE")
    twilio_account_sid: str = Field(default="", validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field(default="", validation_alias="TWILIO_AUTH_TOKEN")
    twilio_numero: str = Field(default="", validation_alias="TWILIO_NUMERO")
    twilio_api_url: str = Field(default="", validation_alias="TWILIO_API_URL")
    telegram_bot_token: str = Field(default="", validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_secret: str = Field(default="", validation_alias="TELEGRAM_SECRET")
    telegram_api_url: str = Field(default="", validation_alias="TELEGRAM_API_URL")
    relais_numero_conseillers: str = Field(default="", validation_alias="RELAIS_NUMERO_CONSEILLERS")
    # Channels served by webhooks: "sms" (SMS and WhatsApp), "voix", "telegram". Empty: the
    # channels whose credentials are set. The simulator works without any of them.
    relais_canaux: str = Field(default="", validation_alias="RELAIS_CANAUX")
    # Where a webhook keeps the messages it received while the database was unreachable,
    # until they are stored (one file each, readable by this user only).
    relais_secours: Path = Field(default=Path("secours"), validation_alias="RELAIS_SECOURS")
    # The French voice of <Say> on phone calls.
    relais_voix: str = Field(default="Polly.Lea-Neural", validation_alias="RELAIS_VOIX")
    relais_horaires_conseillers: str = Field(
        default="lun-ven 09:00-12:30,13:30-17:00", validation_alias="RELAIS_HORAIRES_CONSEILLERS"
    )

    @field_validator("database_url")
    @classmethod
    def _url_connue(cls, valeur: str) -> str:
        if not valeur.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")):
            raise ValueError("doit commencer par sqlite:// ou postgresql://")
        return valeur

    @field_validator("relais_url_publique", "twilio_api_url", "telegram_api_url")
    @classmethod
    def _url_http(cls, valeur: str) -> str:
        if valeur and not valeur.startswith(("http://", "https://")):
            raise ValueError("doit commencer par http:// ou https://")
        return valeur.rstrip("/")

    @field_validator("relais_horaires_conseillers")
    @classmethod
    def _horaires_lisibles(cls, valeur: str) -> str:
        try:
            Horaires.lire(valeur)
        except HorairesInvalides as erreur:
            raise ValueError(f"illisible : {erreur}") from erreur
        return valeur

    @property
    def horaires(self) -> Horaires:
        return Horaires.lire(self.relais_horaires_conseillers)

    @model_validator(mode="after")
    def _canaux_complets(self) -> Parametres:
        inconnus = self.canaux_actifs - set(CANAUX)
        if inconnus:
            raise ValueError(
                f"RELAIS_CANAUX : canal inconnu {', '.join(sorted(inconnus))} "
                f"(possibles : {', '.join(CANAUX)})"
            )
        for canal, variables in _REQUIS.items():
            if canal not in self.canaux_actifs:
                continue
            for variable in variables:
                if not getattr(self, variable.lower()):
                    raise ValueError(f"{variable} manque alors que le canal {canal} est activé")
        webhook_telegram = "telegram" in self.canaux_actifs and self.relais_url_publique
        if webhook_telegram and not self.telegram_secret:
            raise ValueError("TELEGRAM_SECRET manque pour le webhook Telegram")
        return self

    @property
    def canaux_actifs(self) -> frozenset[str]:
        if self.relais_canaux.strip():
            return frozenset(c.strip() for c in self.relais_canaux.split(",") if c.strip())
        actifs: set[str] = set()
        if self.twilio_account_sid or self.twilio_auth_token or self.twilio_numero:
            actifs.update(("sms", "voix"))
        if self.telegram_bot_token:
            actifs.add("telegram")
        return frozenset(actifs)


def lire_parametres(**surcharges: object) -> Parametres:
    """The settings, or ConfigurationInvalide with one sentence naming the variable."""
    try:
        return Parametres(**surcharges)  # type: ignore[arg-type]
    except ValidationError as erreur:
        premiere = erreur.errors()[0]
        message = str(premiere["msg"]).removeprefix("Value error, ")
        if premiere["loc"]:
            message = f"{str(premiere['loc'][0]).upper()} {message}"
        raise ConfigurationInvalide(f"Configuration invalide : {message}.") from erreur
