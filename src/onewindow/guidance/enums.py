"""Guidance choices. Stored values never change once written."""

from __future__ import annotations

from django.db import models


class LexiconKind(models.TextChoices):
    """What a lexicon entry captures (values match ``engine.RuleKind``)."""

    SYNONYM = "synonym", "常用说法"
    SITUATION = "situation", "办事情形"
    DIALECT = "dialect", "方言说法"
    TYPO = "typo", "易错写法"
    EXAMPLE = "example", "常见问法"


class LexiconSource(models.TextChoices):
    """Curated entries come from the repository file and follow it; an entry an admin adds or
    edits is the admin's and the loader never touches it again."""

    CURATED = "curated", "内置词条"
    ADMIN = "admin", "管理员维护"
