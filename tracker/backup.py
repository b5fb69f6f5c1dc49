"""Backing the whole database up to one file and restoring it (flask backup / restore).

SQLite: the online backup API copies the database page by page under SQLite's own locking, so
the copy is consistent while the app keeps running and writing. PostgreSQL: pg_dump (custom
format) and pg_restore, which must be at least as new as the server; they are checked before
they are run, and a missing or older one is refused with what to install.

Restore writes over the database, so it refuses one that holds any row unless forced.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from tracker.extensions import db


class BackupProblem(Exception):
    """What stops the backup or restore, said so a person can act on it."""


def _sqlite_path(engine: Engine) -> str | None:
    return engine.url.database if engine.url.get_backend_name() == "sqlite" else None


def is_empty(engine: Engine) -> bool:
    """No table of Homeward's holds a row (the migrations' own table aside). One query a
    table: there are a few dozen."""
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            if name == "alembic_version":
                continue
            table = db.metadata.tables.get(name)
            query = (select(func.count()).select_from(table) if table is not None
                     else text(f'SELECT count(*) FROM "{name}"'))
            if conn.execute(query).scalar():
                return False
    return True


def backup(engine: Engine, path: Path) -> str:
    """Write the whole database to `path` (which must not exist); returns what was done."""
    if path.exists():
        raise BackupProblem(f"{path} already exists: choose a new file name")
    if _sqlite_path(engine) is not None:
        return _sqlite_backup(engine, path)
    if engine.url.get_backend_name() == "postgresql":
        return _pg_dump(engine, path)
    raise BackupProblem(f"Backing up {engine.url.get_backend_name()} is not supported")


def restore(engine: Engine, path: Path, *, force: bool = False) -> str:
    if not path.is_file():
        raise BackupProblem(f"{path} is not a file")
    if not force and not is_empty(engine):
        raise BackupProblem("The database is not empty: restoring would replace everything in "
                            "it. Back it up first, then run restore again with --force")
    if _sqlite_path(engine) is not None:
        return _sqlite_restore(engine, path)
    if engine.url.get_backend_name() == "postgresql":
        return _pg_restore(engine, path)
    raise BackupProblem(f"Restoring {engine.url.get_backend_name()} is not supported")


# -- SQLite --------------------------------------------------------------------------------------

def _sqlite_backup(engine: Engine, path: Path) -> str:
    source = engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            source.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return f"Backed up {_sqlite_path(engine)} to {path} ({path.stat().st_size:,} bytes)."


def _sqlite_restore(engine: Engine, path: Path) -> str:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            tables = {r[0] for r in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupProblem(f"{path} is not a SQLite backup ({exc})") from exc
        if "alembic_version" not in tables:
            raise BackupProblem(f"{path} is not a backup of Homeward's database")
        engine.dispose()  # no pooled connection keeps reading the pages being replaced
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
    finally:
        source.close()
    engine.dispose()
    return (f"Restored {path} into {_sqlite_path(engine)}. Run `flask --app tracker db upgrade` "
            "if the backup came from an older version of Homeward.")


# -- PostgreSQL ----------------------------------------------------------------------------------

def _major(version: str) -> int:
    """16 from "16.4 (Debian 16.4-1)" (the server) or "pg_dump (PostgreSQL) 16.4" (a tool)."""
    found = re.search(r"(?:^|\) )(\d+)", version)
    if not found:
        raise BackupProblem(f"Cannot read a version from {version!r}")
    return int(found.group(1))


def _pg_tool(engine: Engine, tool: str) -> str:
    """The tool's path, once it is known to be at least the server's major version."""
    found = shutil.which(tool)
    if found is None:
        raise BackupProblem(f"{tool} is not installed: install the PostgreSQL client tools "
                            "(e.g. apt install postgresql-client) of the server's version or "
                            "newer")
    said = subprocess.run([found, "--version"], capture_output=True, text=True,
                          check=True).stdout
    with engine.connect() as conn:
        server = conn.execute(text("SHOW server_version")).scalar()
    if _major(said) < _major(server):
        raise BackupProblem(f"{tool} is version {said.strip()} but the server is {server}: "
                            f"install {tool} {_major(server)} or newer")
    return found


def _libpq(engine: Engine) -> tuple[str, dict]:
    """The connection as pg_dump takes it, with the password in the environment rather than
    on the command line, where other users of the machine could read it."""
    url = make_url(engine.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(engine: Engine, path: Path) -> str:
    tool = _pg_tool(engine, "pg_dump")
    url, env = _libpq(engine)
    done = subprocess.run([tool, "--format=custom", "--no-owner", f"--file={path}",
                           f"--dbname={url}"], capture_output=True, text=True, env=env)
    if done.returncode:
        raise BackupProblem(f"pg_dump failed: {done.stderr.strip()}")
    return f"Backed up with pg_dump to {path} ({path.stat().st_size:,} bytes)."


def _pg_restore(engine: Engine, path: Path) -> str:
    tool = _pg_tool(engine, "pg_restore")
    url, env = _libpq(engine)
    engine.dispose()
    done = subprocess.run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={url}", str(path)], capture_output=True, text=True, env=env)
    if done.returncode:
        raise BackupProblem(f"pg_restore failed: {done.stderr.strip()}")
    return f"Restored {path} with pg_restore."
