from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0006_recognition"),
    ]

    operations = [
        migrations.AddField(
            model_name="loan",
            name="disburse_card_id",
            field=models.UUIDField(blank=True, null=True),
        ),
    ]
