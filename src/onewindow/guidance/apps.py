"""智能导办: the guidance app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_lexicon(sender: AppConfig, **kwargs: Any) -> None:
    # Every installation gets the curated lexicon without an extra step, as Django's own apps
    # create their permissions after migrate; the load is idempotent and keeps admin edits.
    from onewindow.guidance import services

    services.load_curated_lexicon(using=str(kwargs.get("using", "default")))


class GuidanceConfig(AppConfig):
    name = "onewindow.guidance"
    label = "guidance"
    verbose_name = "智能导办"

    def ready(self) -> None:
        post_migrate.connect(_seed_lexicon, sender=self, dispatch_uid="guidance.seed_lexicon")
