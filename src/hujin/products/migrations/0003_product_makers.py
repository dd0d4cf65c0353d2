"""A product's makers: every staff user who created, edited, attached a document to or
submitted it, none of whom may approve it (maker-checker). Existing products start with their
creator, their submitter and the uploaders of their documents."""

from django.db import migrations, models


def makers_fill(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    ProductDocument = apps.get_model("products", "ProductDocument")
    for product in Product.objects.all().iterator():
        uploaders = ProductDocument.objects.filter(product_id=product.pk).values_list(
            "uploaded_by", flat=True
        )
        makers = []
        for actor_id in (product.created_by, product.submitted_by, *uploaders):
            if actor_id and actor_id not in makers:
                makers.append(actor_id)
        Product.objects.filter(pk=product.pk).update(makers=makers)


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0002_history_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="makers",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(makers_fill, migrations.RunPython.noop),
    ]
