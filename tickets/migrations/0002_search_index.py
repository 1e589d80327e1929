"""Full-text search index for agents' queue search (PostgreSQL only).

The expression matches what ``SearchVector("search_document", config="simple")``
compiles to, so the planner uses the index. SQLite falls back to icontains.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS ticket_search_gin ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))"
)
DROP = "DROP INDEX IF EXISTS ticket_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
