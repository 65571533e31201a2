"""Stored masks of the 身份证号 and phone, so the roster and contact lists never decrypt (issue 18).

The data step fills them for every existing supervisor (decrypting each once, in batches); from then
on the code that sets the encrypted value sets its mask in the same write."""

from typing import Any

from django.db import migrations, models

BATCH = 2000


def fill_masks(apps: Any, schema_editor: Any) -> None:
    from jiandu.rules.identifiers import id_number_mask, mobile_mask

    Supervisor = apps.get_model("roster", "Supervisor")
    batch = []
    for s in Supervisor.objects.only("id", "id_number", "phone").order_by("id").iterator(chunk_size=BATCH):
        s.id_number_masked = id_number_mask(s.id_number) if s.id_number else ""
        s.phone_masked = mobile_mask(s.phone) if s.phone else ""
        batch.append(s)
        if len(batch) >= BATCH:
            Supervisor.objects.bulk_update(batch, ["id_number_masked", "phone_masked"])
            batch = []
    if batch:
        Supervisor.objects.bulk_update(batch, ["id_number_masked", "phone_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0004_supervisor_ethnicity"),
    ]

    operations = [
        migrations.AddField(
            model_name="supervisor",
            name="id_number_masked",
            field=models.CharField(blank=True, editable=False, max_length=24),
        ),
        migrations.AddField(
            model_name="supervisor",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.RunPython(fill_masks, migrations.RunPython.noop),
    ]
