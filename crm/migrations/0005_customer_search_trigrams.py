"""Search by customer name, e-mail or phone (`icontains`) served by trigram indexes, on PostgreSQL only.

Django's `icontains` on PostgreSQL is `UPPER(column) LIKE UPPER('%term%')`: a btree cannot
serve a leading wildcard, a pg_trgm GIN index on `UPPER(column)` can. The search ORs the
three columns, so each has its index (a BitmapOr). Other databases (SQLite on a laptop)
get nothing: the operation is a no-op there. Creating the extension needs a role that may
(the database owner on PostgreSQL 13+, since pg_trgm is a trusted extension).
"""

from django.db import migrations

SEARCHED_COLUMNS = ("name", "email", "phone")


def _index_name(column: str) -> str:
    return f"crm_customer_{column}_trgm"


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index_name(column)}" ON "crm_customer" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_task_failure")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False)]
