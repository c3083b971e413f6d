"""The project's own exceptions: a shallow tree, each with a message a person can read."""


class RelaisErreur(Exception):
    """Base of every error Relais raises on purpose."""


class ConfigurationInvalide(RelaisErreur):
    """A setting is missing or wrong; the message names the variable."""


class ContenuInvalide(RelaisErreur):
    """A content file is missing a field or does not parse; the message names the file."""

    def __init__(self, problemes: list[str]) -> None:
        super().__init__("\n".join(problemes))
        self.problemes = problemes


class BaseIndisponible(RelaisErreur):
    """The database cannot be reached."""


class BaseEnRetard(RelaisErreur):
    """The database schema is older than the code: `relais base preparer` upgrades it."""


class MigrationImpossible(RelaisErreur):
    """A migration would leave the data inconsistent: it is rolled back."""
