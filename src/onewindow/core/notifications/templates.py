"""Chinese message templates, registered by code.

A template is a title and a body written with ``{name}`` placeholders. Each app registers the
wording of its own messages at import time (the workflow registers 补正、延期、办结 …); the
outbox stores the rendered text, so changing a template never rewrites a sent message.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    title: str
    body: str

    def placeholders(self) -> frozenset[str]:
        """The names the template needs in its context."""
        names: set[str] = set()
        for text in (self.title, self.body):
            for _, name, _, _ in string.Formatter().parse(text):
                if name:
                    names.add(name)
        return frozenset(names)


class UnknownTemplate(LookupError):
    """A programming error: notify() was called with a code nobody registered."""


class MissingPlaceholder(KeyError):
    """A programming error: the context lacks a value the template needs."""


_registry: dict[str, MessageTemplate] = {}


def register(code: str, title: str, body: str) -> MessageTemplate:
    """Register (or replace) the template ``code``; returns it."""
    template = MessageTemplate(code, title, body)
    _registry[code] = template
    return template


def get(code: str) -> MessageTemplate:
    """The template registered as ``code``; UnknownTemplate otherwise."""
    try:
        return _registry[code]
    except KeyError as exc:
        raise UnknownTemplate(f"未登记的通知模板：{code}") from exc


def registered() -> list[MessageTemplate]:
    """Every registered template, by code."""
    return [_registry[c] for c in sorted(_registry)]


def render(code: str, context: Mapping[str, object]) -> tuple[str, str]:
    """The (title, body) of template ``code`` filled from ``context``.

    Raises UnknownTemplate or MissingPlaceholder (both programming errors).
    """
    template = get(code)
    missing = template.placeholders() - set(context)
    if missing:
        raise MissingPlaceholder(f"通知模板 {code} 缺少：{', '.join(sorted(missing))}")
    values = {k: ("" if v is None else v) for k, v in context.items()}
    return template.title.format(**values), template.body.format(**values)


# Generic wording any app may use.
register("generic", "{title}", "{body}")
