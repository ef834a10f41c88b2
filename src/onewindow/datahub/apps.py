from django.apps import AppConfig


class DatahubConfig(AppConfig):
    name = "onewindow.datahub"
    label = "datahub"
    verbose_name = "数据中台"
