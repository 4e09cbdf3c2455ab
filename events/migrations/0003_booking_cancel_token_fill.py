"""Each existing booking gets a fresh cancel-link token of its own (as Django's docs add a unique field)."""

from django.db import migrations

import events.models.training


def give_each_booking_a_token(apps, schema_editor):
    Booking = apps.get_model("events", "Booking")
    for pk in Booking.objects.filter(cancel_token__isnull=True).values_list("pk", flat=True).iterator():
        Booking.objects.filter(pk=pk).update(cancel_token=events.models.training.new_token())


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_booking_cancel_token"),
    ]

    operations = [
        migrations.RunPython(give_each_booking_a_token, migrations.RunPython.noop),
    ]
