"""Alembic migrations of the register's schema, run by ``coproduce.store.register.migrate``."""
