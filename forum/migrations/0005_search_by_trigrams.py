"""Search by trigrams on both databases, posts and topic titles alike.

SQLite: the FTS5 trigram table of posts gains a twin for topic titles, kept by triggers.
PostgreSQL: pg_trgm GIN indexes on UPPER(body) and UPPER(title), the expressions Django's
`icontains` compares, replace the word index ("simple" tsvector), which could not split
scripts written without spaces. Both now match the same thing: text inside words, any
language.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE forum_topic_fts USING fts5(title, content='forum_topic', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER forum_topic_fts_insert AFTER INSERT ON forum_topic BEGIN "
    "INSERT INTO forum_topic_fts(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER forum_topic_fts_delete AFTER DELETE ON forum_topic BEGIN "
    "INSERT INTO forum_topic_fts(forum_topic_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER forum_topic_fts_update AFTER UPDATE OF title ON forum_topic BEGIN "
    "INSERT INTO forum_topic_fts(forum_topic_fts, rowid, title) VALUES ('delete', old.id, old.title); "
    "INSERT INTO forum_topic_fts(rowid, title) VALUES (new.id, new.title); END",
    "INSERT INTO forum_topic_fts(forum_topic_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS forum_topic_fts_update",
    "DROP TRIGGER IF EXISTS forum_topic_fts_delete",
    "DROP TRIGGER IF EXISTS forum_topic_fts_insert",
    "DROP TABLE IF EXISTS forum_topic_fts",
]
PG_CREATE = [
    # pg_trgm is a trusted extension: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP INDEX IF EXISTS forum_post_search",
    "CREATE INDEX forum_post_body_trgm ON forum_post USING gin (UPPER(body) gin_trgm_ops)",
    "CREATE INDEX forum_topic_title_trgm ON forum_topic USING gin (UPPER(title) gin_trgm_ops)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS forum_topic_title_trgm",
    "DROP INDEX IF EXISTS forum_post_body_trgm",
    "CREATE INDEX forum_post_search ON forum_post USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(body, '')))",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0004_clearer_wording")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": PG_DROP}),
        )
    ]
