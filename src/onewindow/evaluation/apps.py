from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "onewindow.evaluation"
    label = "evaluation"
    verbose_name = "好差评"

    def ready(self) -> None:
        # The completion SMS and the receipts' QR codes come from lower apps; they print the
        # review link through the workflow's hook (ARCHITECTURE §3: dependency inversion).
        from onewindow.evaluation import tokens
        from onewindow.workflow import links

        links.register_review_link(tokens.review_link)
        # Acceptance and completion (the rateable events) happen in the workflow, below this
        # app; it announces them so the indicators' daily tallies count them in step.
        from onewindow.evaluation import tallies
        from onewindow.workflow import signals

        signals.case_event.connect(tallies.on_case_event, dispatch_uid="evaluation.tallies")
