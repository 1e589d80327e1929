"""Store the search vector (PostgreSQL only) instead of recomputing it per row.

A generated column keeps itself in sync with ``search_document``; its GIN
index replaces the expression index of 0002, and queries compare the stored
vector, so neither the index recheck nor a filtered ordered scan has to run
to_tsvector again. The model does not declare the column: SQLite has none and
falls back to icontains (see tickets/queries.py).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_document, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS ticket_search_vector_gin ON tickets_ticket USING gin (search_vector)",
    "DROP INDEX IF EXISTS ticket_search_gin",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS ticket_search_gin ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))",
    "DROP INDEX IF EXISTS ticket_search_vector_gin",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_status_labels")]

    operations = [migrations.RunPython(forward, backward)]
