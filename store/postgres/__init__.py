"""The PostgreSQL backend (psycopg is an optional dependency): the chained recorder, the
chain's reader, the schema's steps, connections and the writer a move fills."""
