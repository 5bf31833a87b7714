"""Search indexes: an FTS5 table kept by triggers on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE forum_post_fts USING fts5(body, content='forum_post', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER forum_post_fts_insert AFTER INSERT ON forum_post BEGIN "
    "INSERT INTO forum_post_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER forum_post_fts_delete AFTER DELETE ON forum_post BEGIN "
    "INSERT INTO forum_post_fts(forum_post_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER forum_post_fts_update AFTER UPDATE OF body ON forum_post BEGIN "
    "INSERT INTO forum_post_fts(forum_post_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO forum_post_fts(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO forum_post_fts(forum_post_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS forum_post_fts_update",
    "DROP TRIGGER IF EXISTS forum_post_fts_delete",
    "DROP TRIGGER IF EXISTS forum_post_fts_insert",
    "DROP TABLE IF EXISTS forum_post_fts",
]
PG_CREATE = [
    "CREATE INDEX forum_post_search ON forum_post USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(body, '')))"
]
PG_DROP = ["DROP INDEX IF EXISTS forum_post_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_post_fk_indexes_covered")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": PG_DROP}),
        )
    ]
