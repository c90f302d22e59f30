# PostgreSQL compresses large values; lz4 does it several times faster than the default
# pglz, which saves about half a millisecond of server CPU per graded 100-question booklet
# (tests/benchmarks/grading_bench.py). Other databases, and servers built without lz4,
# keep their default.

from django.db import migrations

LZ4_AVAILABLE = (
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def compression(method):
    def set_compression(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(LZ4_AVAILABLE)
            if cursor.fetchone() is None:
                return
        table = schema_editor.quote_name(apps.get_model("courses", "Attempt")._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN booklet_record SET COMPRESSION {method}"
        )

    return set_compression


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_course_content_version"),
    ]

    operations = [
        migrations.RunPython(compression("lz4"), compression("pglz"), elidable=True),
    ]
