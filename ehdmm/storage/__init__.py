"""All of ehdmm's SQL lives in this package: schema migrations, reads and writes."""

from ehdmm.storage.db import (
    DEFAULT_DB_PATH,
    DatabaseBusy,
    StoreError,
    connect,
    last_write_token,
    resolve_db_path,
    transaction,
    write_with_retry,
)

__all__ = [
    "DEFAULT_DB_PATH",
    "DatabaseBusy",
    "StoreError",
    "connect",
    "last_write_token",
    "resolve_db_path",
    "transaction",
    "write_with_retry",
]
