"""SQLite set up for a web server with several threads or processes writing at once.

- WAL journal: readers never wait for the writer, nor the writer for readers.
- A busy timeout: a writer waits for the lock rather than failing at once.
- synchronous=NORMAL, the setting SQLite recommends with WAL: a commit no longer waits for the
  disk, only checkpoints do. The database cannot be corrupted; a power cut (not a crash of the
  app) may lose the last moments' commits. Delivery stays at least once (a sent time lost
  means that message goes again) and the next reminder pass queues again what it lost.
- The file memory-mapped and a larger page cache, so reads at national scale come from memory
  rather than a system call per page; sorts and temporary tables in memory.
- BEGIN IMMEDIATE for the transactions of requests that write (any method but GET and
  HEAD): it takes the write lock when it starts, while waiting for it is still possible. A
  deferred transaction that reads first and writes later cannot wait: when another writer got
  in between, SQLite refuses it at once with "database is locked". Outside a request (the
  scheduler, commands) transactions stay deferred, so a long-running job never holds the lock
  while it only reads; its writes are short and retried by the next run.

PostgreSQL needs none of this; the hooks only act on SQLite connections.
"""

from __future__ import annotations

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000
MMAP_BYTES = 512 * 1024 * 1024
CACHE_KIB = 32 * 1024  # per connection


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if has_request_context() and request.method not in ("GET", "HEAD"):
        raw.isolation_level = None  # we begin, not the sqlite3 module
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # The sqlite3 module's own way: reads see the latest commit, and a BEGIN (deferred)
        # comes before the first write.
        raw.isolation_level = ""


def keep_statistics_whole(connection) -> None:
    """After migrations: a database someone analysed gets statistics for the indexes the
    migrations added. SQLite plans with an index that has none, beside indexes that have them,
    as if it were very selective (counting open actions read every one rather than an index).
    A database never analysed has none for any index and plans well; it is left so."""
    if connection.dialect.name != "sqlite":
        return
    if connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def init() -> None:
    """Listen on every engine; idempotent, so app factories may call it each time."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)
