from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "onewindow.ledger"
    label = "ledger"
    verbose_name = "留痕账本"
