from django.db import migrations, models


class Migration(migrations.Migration):
    """Headcounts are returned with a reason, as funding rounds are (migration 0004): nothing stored changes."""

    dependencies = [
        ('startups', '0004_funding_round_validation'),
    ]

    operations = [
        migrations.AddField(
            model_name='headcount',
            name='returned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='returned'),
        ),
        migrations.AddField(
            model_name='headcount',
            name='returned_reason',
            field=models.TextField(blank=True, max_length=2000, verbose_name='reason for returning it'),
        ),
        migrations.AddConstraint(
            model_name='headcount',
            constraint=models.CheckConstraint(condition=models.Q(('validated_at__isnull', True), ('returned_at__isnull', True), _connector='OR'), name='headcount_validated_or_returned'),
        ),
    ]
