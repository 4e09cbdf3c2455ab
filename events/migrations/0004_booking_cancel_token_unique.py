"""The cancel-link token is required and unique once every booking has one."""

from django.db import migrations, models

import events.models.training


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_booking_cancel_token_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="cancel_token",
            field=models.CharField(
                default=events.models.training.new_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
