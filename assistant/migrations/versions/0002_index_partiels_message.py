"""index partiels sur message

Only the messages with a provider id are in the unique index that recognises a replay,
and only the replies in the index of the message they answer: the other entries were
written at every commit and read by nobody.

On SQLite, a table-level UNIQUE constraint can only go with a rebuild of the table (Alembic's
batch mode: copy, drop, rename); `assistant.migration` runs it with foreign keys checked
at the end rather than row by row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_message_canal_id_externe"
AVEC_ID_EXTERNE = sa.text("id_externe IS NOT NULL")
REPONSE = sa.text("reponse_a IS NOT NULL")
# The name SQLite's unnamed constraint gets while Alembic rebuilds the table.
CONVENTION = {"uq": "ancien_%(table_name)s_%(column_0_N_name)s"}


def _contrainte_unique() -> str | None:
    """The name of the UNIQUE (canal, id_externe) constraint (None on SQLite: unnamed)."""
    for contrainte in sa.inspect(op.get_bind()).get_unique_constraints("message"):
        if contrainte["column_names"] == ["canal", "id_externe"]:
            return contrainte["name"]
    raise RuntimeError("contrainte unique (canal, id_externe) introuvable sur message")


def upgrade() -> None:
    nom = _contrainte_unique()
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "message", recreate="always", naming_convention=CONVENTION
        ) as batch_op:
            batch_op.drop_constraint(nom or "ancien_message_canal_id_externe", type_="unique")
    else:
        op.drop_constraint(nom, "message", type_="unique")
    op.drop_index("ix_message_reponse_a", table_name="message")
    op.create_index(
        UNIQUE,
        "message",
        ["canal", "id_externe"],
        unique=True,
        sqlite_where=AVEC_ID_EXTERNE,
        postgresql_where=AVEC_ID_EXTERNE,
    )
    op.create_index(
        "ix_message_reponse_a",
        "message",
        ["reponse_a"],
        sqlite_where=REPONSE,
        postgresql_where=REPONSE,
    )


def downgrade() -> None:
    op.drop_index("ix_message_reponse_a", table_name="message")
    op.create_index("ix_message_reponse_a", "message", ["reponse_a"])
    op.drop_index(UNIQUE, table_name="message")
    with op.batch_alter_table("message") as batch_op:
        batch_op.create_unique_constraint("message_canal_id_externe_key", ["canal", "id_externe"])
