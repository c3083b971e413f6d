from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from assistant.contenus import Catalogue, charger_catalogue
from tests.bases import moteur_de_test


@pytest.fixture(scope="session", autouse=True)
def schema_postgres_supprime_a_la_fin() -> Iterator[None]:
    yield
    from tests.bases import supprimer_schema_postgres

    supprimer_schema_postgres()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return charger_catalogue()


@pytest.fixture(params=["sqlite", "postgresql"])
def moteur_sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each database test runs on SQLite, and again on the real PostgreSQL."""
    yield from moteur_de_test(request.param, str(tmp_path / "relais.db"))


@pytest.fixture(params=["sqlite", "postgresql"])
def url_base(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for an application under test: SQLite file, then PostgreSQL."""
    from tests.bases import url_postgres_isolee

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'relais.db'}"
    return url_postgres_isolee()
