"""Typed access to the process environment: the only module that reads ``os.environ``."""

from __future__ import annotations

import os
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    """Return the variable as text, or ``default`` when it is unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool = False) -> bool:
    """Return ``True`` for 1/true/yes/on (any case), ``False`` for 0/false/no/off."""
    value = os.environ.get(name, "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    return default


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer; a malformed value is a configuration error."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"环境变量 {name} 应为整数，实际为 {value!r}") from exc


def env_secret(name: str, default: str = "") -> str:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/K8s style)."""
    path = os.environ.get(f"{name}_FILE", "")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env_str(name, default)


def onewindow_home() -> Path:
    """Directory for run-time state: database file, signing keys, generated documents."""
    return Path(env_str("ONEWINDOW_HOME", "var")).resolve()


def set_default(name: str, value: str) -> None:
    """Set a variable only when the caller has not (used by the command-line entry point)."""
    os.environ.setdefault(name, value)
