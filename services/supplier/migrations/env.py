from shared.migrations import run_migrations
from supplier.adapters.orm import metadata

run_migrations(metadata)
