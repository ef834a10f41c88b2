from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "onewindow.intake"
    label = "intake"
    verbose_name = "综合受理"
