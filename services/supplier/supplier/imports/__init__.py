"""Bulk import files: parsing CSV and JSON into validated rows (pure, no I/O)."""
