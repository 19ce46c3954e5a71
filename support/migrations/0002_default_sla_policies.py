"""The default SLA targets (minutes): first response urgent 1 h, high 4 h, normal 8 h, low 24 h;
resolution urgent 4 h, high 24 h, normal 72 h, low 120 h. Admins edit them in Django admin."""

from django.db import migrations

DEFAULTS = {
    "urgent": (60, 240),
    "high": (240, 1440),
    "normal": (480, 4320),
    "low": (1440, 7200),
}


def create_default_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("support", "SlaPolicy")
    for priority, (first_response, resolution) in DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={"first_response_minutes": first_response, "resolution_minutes": resolution},
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(create_default_policies, migrations.RunPython.noop)]
