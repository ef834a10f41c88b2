"""Guidance errors with stable codes (API.md)."""

from __future__ import annotations

from onewindow.core.errors import BadInput


class LexiconEntryInvalid(BadInput):
    code = "guidance.lexicon_invalid"
    message = "导办词条有误，请检查标出的字段"
