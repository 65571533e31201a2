"""The head row records when a seal last moved it, so that a writer's after-commit seal skips when a
seal ran within JIANDU_AUDIT_SEAL_COALESCE_MS in any process, not only in its own (issue 18 §4)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_target_indexes_drop")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
