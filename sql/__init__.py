"""The warehouse's SQL, one statement file per table, view and rule, loaded by name
(`pipeline.sql.load_sql`): package data, so an installed wheel carries it."""
