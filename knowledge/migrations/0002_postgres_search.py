"""PostgreSQL only: unaccent and pg_trgm, accent-insensitive text search configurations, GIN indexes.

``kb_french``, ``kb_dutch`` and ``kb_english`` copy the stock configurations
and run ``unaccent`` before the stemmer, so "reinitialiser" matches
"Réinitialiser" both in stored vectors and in queries. On SQLite (the
zero-setup default) nothing happens and search falls back to contains-matching.
"""

from django.db import migrations

CONFIGS = {"kb_french": "french", "kb_dutch": "dutch", "kb_english": "english"}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, stock in CONFIGS.items():
        schema_editor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN "
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{stock}); "
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word "
            f"WITH unaccent, {stock}_stem; END IF; END $$"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS kb_translation_vector ON knowledge_translation USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS kb_translation_title_trgm ON knowledge_translation "
        "USING gin (title_plain gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS kb_translation_title_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS kb_translation_vector")
    for name in CONFIGS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
