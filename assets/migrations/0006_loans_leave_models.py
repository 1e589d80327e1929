"""Loans move to the loans app (issue 16), last step: the moved models leave assets' state.

State only: the tables (assets_loan, assets_equipmentrequest, …) stay and now belong to loans."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0005_loans_leave_fields'),
        ('schools', '0004_pupilloan_loan_in_loans_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (db_table kept): only Django's picture of the models moves.
            state_operations=[
                migrations.DeleteModel(
                    name='Loan',
                ),
                migrations.DeleteModel(
                    name='Receipt',
                ),
                migrations.DeleteModel(
                    name='LoanExtension',
                ),
                migrations.DeleteModel(
                    name='LoanLine',
                ),
                migrations.DeleteModel(
                    name='LoanPolicy',
                ),
                migrations.DeleteModel(
                    name='PreparedItem',
                ),
                migrations.DeleteModel(
                    name='Recovery',
                ),
                migrations.DeleteModel(
                    name='RequestLine',
                ),
            ],
            database_operations=[],
        ),
    ]
