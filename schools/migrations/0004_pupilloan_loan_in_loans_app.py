"""PupilLoan.loan points at loans.Loan (the same table, assets_loan): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loans', '0001_moved_from_assets'),
        ('schools', '0003_return_campaign_constraints'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (db_table kept): only Django's picture of the models moves.
            state_operations=[
                migrations.AlterField(
                    model_name='pupilloan',
                    name='loan',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='pupil_link', to='loans.loan', verbose_name='loan'),
                ),
            ],
            database_operations=[],
        ),
    ]
