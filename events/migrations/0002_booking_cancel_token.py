"""Bookings get their own random cancel-link token (issue 10 item 12): first a column that may be empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="cancel_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
    ]
