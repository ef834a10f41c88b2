from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "onewindow.analytics"
    label = "analytics"
    verbose_name = "统计分析与调度报表"
