"""The SQLite backend: the chained recorder, the chain's reader, the schema's steps and
the writer a move fills."""
