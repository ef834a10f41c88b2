"""Copy each case's acceptance time onto its tasks (the inbox orders by it)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("workflow", "Case")
    CaseTask = apps.get_model("workflow", "CaseTask")
    accepted = Case.objects.filter(pk=OuterRef("case_id")).values("accepted_at")[:1]
    CaseTask.objects.filter(case_accepted_at__isnull=True).update(
        case_accepted_at=Subquery(accepted)
    )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_case_back_office")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
