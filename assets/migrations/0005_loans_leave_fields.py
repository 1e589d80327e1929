"""Loans move to the loans app (issue 16), step 1: relations of the moved models leave assets' state.

State only: no table, column or constraint changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0004_loans'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (db_table kept): only Django's picture of the models moves.
            state_operations=[
                migrations.RemoveField(
                    model_name='equipmentrequest',
                    name='approver',
                ),
                migrations.RemoveField(
                    model_name='equipmentrequest',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='equipmentrequest',
                    name='delivery_site',
                ),
                migrations.RemoveField(
                    model_name='equipmentrequest',
                    name='prepared_by',
                ),
                migrations.RemoveField(
                    model_name='equipmentrequest',
                    name='requester',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='prepareditem',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='requestline',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='borrower',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='checked_out_by',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='terms',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='witnessed_by',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='loanextension',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='receipt',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='loanextension',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='asset',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='model',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='received_by',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='returned_to',
                ),
                migrations.RemoveField(
                    model_name='loanline',
                    name='stock_site',
                ),
                migrations.RemoveField(
                    model_name='loanpolicy',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='prepareditem',
                    name='asset',
                ),
                migrations.RemoveField(
                    model_name='prepareditem',
                    name='model',
                ),
                migrations.RemoveField(
                    model_name='prepareditem',
                    name='stock_site',
                ),
                migrations.RemoveField(
                    model_name='recovery',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='recovery',
                    name='started_by',
                ),
                migrations.RemoveField(
                    model_name='requestline',
                    name='kit',
                ),
                migrations.RemoveField(
                    model_name='requestline',
                    name='model',
                ),
                migrations.DeleteModel(
                    name='DeliveryRun',
                ),
                migrations.DeleteModel(
                    name='EquipmentRequest',
                ),
                migrations.DeleteModel(
                    name='LoanTerms',
                ),
            ],
            database_operations=[],
        ),
    ]
