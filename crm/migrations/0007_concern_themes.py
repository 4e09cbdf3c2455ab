from django.db import migrations

THEMES = (
    "Online radicalisation",
    "Far-right activity",
    "Community tensions",
    "Hate incidents",
    "Reaction to an international event",
)


def add_themes(apps, schema_editor):
    ConcernTheme = apps.get_model("crm", "ConcernTheme")
    for name in THEMES:
        ConcernTheme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    """The issue's concern themes, so a fresh site has them; the team edits the list (Governance → Concern themes)."""

    dependencies = [("crm", "0006_governance_meetings")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
