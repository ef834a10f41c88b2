from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "onewindow.workflow"
    label = "workflow"
    verbose_name = "办件流转"

    def ready(self) -> None:
        from onewindow.datahub import signals
        from onewindow.workflow.services.certificates import on_certificate_status_changed

        signals.certificate_status_changed.connect(
            on_certificate_status_changed, dispatch_uid="workflow.flag_cases_for_certificate"
        )
