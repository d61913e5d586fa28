"""Looking for a string in every column of every table, and in the search pages."""

from django.db import connection


def tables_holding(*needles: str) -> list[str]:
    """``table.column`` of every column (cast to text) holding one of the needles, case-insensitive."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = column.name
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(name)} AS TEXT)) LIKE %s",
                        [f"%{needle.lower()}%"])
                    if cursor.fetchone()[0]:
                        hits.append(f"{table}.{name}")
    return hits
