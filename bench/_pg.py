"""PostgreSQL set-up shared by the database benchmarks: a throw-away database and Django on it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO: Final = Path(__file__).resolve().parent.parent
SRC: Final = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

RESULTS_DIR: Final = REPO / "bench" / "results"
DEFAULT_PG_SERVER: Final = "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(server: str, name: str) -> str:
    """``server`` with its database path replaced by ``name``."""
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create_database(server: str, name: str) -> str:
    """Create ``name`` afresh (dropping a leftover of that name) and return its URL."""
    drop_database(server, name)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(server, name)


def setup_django(url: str, home: str) -> None:
    """Point the test settings at ``url`` with ``home`` as ONEWINDOW_HOME and set Django up."""
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.config.settings.test")
    import django

    django.setup()
    # Each notification job logs two lines at INFO; thousands of them would drown the report.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
