"""Alembic migrations of opsbot's database."""
