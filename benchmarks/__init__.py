"""Benchmarks: the bot side by side with what bounds it, on SQLite and PostgreSQL."""
