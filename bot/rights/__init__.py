"""A participant's data rights: see everything kept about them, delete it; the retention purge."""
