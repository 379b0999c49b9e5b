"""The disk: the only package that speaks to the database."""
