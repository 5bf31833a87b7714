"""SQLite: the trigram search tables keep which rows hold a trigram, no longer where.

An FTS5 table's `detail=full` (the default) stores every trigram's positions in every post,
which is what a phrase query reads, and `columnsize` a row per post with its length. Search
asks neither: each term's trigrams narrow the candidates, and the term itself is then
checked in the text (forum/search.py), as PostgreSQL's trigram index rechecks its own. With
`detail=none, columnsize=0` the index is about half the size, and deleting a post, which
writes a deletion marker for each of its trigrams and later merges it away, costs much less:
the expiry engine deletes a million posts markedly faster (bench/RESULTS.md). The triggers
that keep the tables name them only, so they stay as they are. PostgreSQL is unchanged.
"""

from django.db import migrations

TABLES = [("forum_post_fts", "body", "forum_post"), ("forum_topic_fts", "title", "forum_topic")]


def _recreate(options):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for table, column, content in TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5({column}, content='{content}', "
                f"content_rowid='id', tokenize='trigram'{options})"
            )
            schema_editor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0006_page_order_indexes_serve_every_reader")]
    operations = [migrations.RunPython(_recreate(", detail=none, columnsize=0"), _recreate(""))]
