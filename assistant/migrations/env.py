"""Alembic environment: runs on the connection that `assistant.migration` hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from assistant import base  # noqa: F401  (registers every table)

connexion = context.config.attributes["connexion"]
context.configure(
    connection=connexion,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things: Alembic rebuilds the table instead.
    render_as_batch=connexion.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
