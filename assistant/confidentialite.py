"""Personal data stays out of the logs: what only needs comparing is hashed."""

from __future__ import annotations

import hashlib
import hmac


def empreinte(valeur: str, cle: str = "relais") -> str:
    """A short keyed hash of a phone number or file number, for logs and lookups."""
    return hmac.new(cle.encode(), valeur.encode(), hashlib.sha256).hexdigest()[:16]
