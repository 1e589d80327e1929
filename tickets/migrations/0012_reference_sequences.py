"""References from a PostgreSQL sequence per year, so that opening a ticket holds no lock until commit.

``tickets_reference_next(year)`` returns ``nextval`` of ``tickets_reference_<year>``,
creating that sequence the first time a year is numbered. It starts after the
highest number already used that year (the old counter row, or the tickets
themselves), so a database numbered by the counter carries on without a clash.
SQLite keeps the counter row (it serialises writers anyway).
"""

from django.db import migrations

CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION tickets_reference_next(for_year integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    sequence_name text := 'tickets_reference_' || for_year;
    first_number bigint;
BEGIN
    BEGIN
        RETURN nextval(sequence_name::regclass);
    EXCEPTION WHEN undefined_table THEN
        NULL;  -- the year's first ticket: create its sequence below
    END;
    SELECT GREATEST(
        COALESCE((SELECT last_number FROM tickets_referencecounter WHERE year = for_year), 0),
        COALESCE((
            SELECT MAX(substring(reference FROM 9)::bigint) FROM tickets_ticket
            WHERE reference ~ ('^HD-' || for_year || '-[0-9]+$')
        ), 0)
    ) + 1 INTO first_number;
    BEGIN
        EXECUTE format('CREATE SEQUENCE %I AS bigint START WITH %s', sequence_name, first_number);
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
        NULL;  -- a concurrent opening created it and committed first
    END;
    RETURN nextval(sequence_name::regclass);
END;
$$;
"""

DROP_FUNCTION = "DROP FUNCTION IF EXISTS tickets_reference_next(integer);"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION, params=None)  # no placeholders: keep format()'s %I and %s


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_team_second_level_timeline_index"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function, elidable=False),
    ]
