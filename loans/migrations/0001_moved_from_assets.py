"""The loans app takes over the request, loan and delivery models from assets (issue 16).

Their tables keep their names (Meta.db_table) and their rows: the models are created in
Django's state only. The content types are relabelled assets -> loans."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = [
    "deliveryrun",
    "equipmentrequest",
    "loan",
    "loanextension",
    "loanline",
    "loanpolicy",
    "loanterms",
    "prepareditem",
    "receipt",
    "recovery",
    "requestline",
]


def _relabel(apps, old: str, new: str) -> None:
    """Content types of the moved models change app label, so the permissions given to role
    groups and users, and the admin's log entries, follow them (their rows keep their ids)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=MOVED).exclude(model__in=taken).update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _relabel(apps, "assets", "loans")


def backwards(apps, schema_editor) -> None:
    _relabel(apps, "loans", "assets")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('assets', '0005_loans_leave_fields'),
        ('icity', '0003_notification_attachments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (db_table kept): only Django's picture of the models moves.
            state_operations=[
                migrations.CreateModel(
                    name='LoanTerms',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.CharField(max_length=20, unique=True, verbose_name='version')),
                        ('text_fr', models.TextField(verbose_name='text (French)')),
                        ('text_nl', models.TextField(verbose_name='text (Dutch)')),
                        ('text_en', models.TextField(blank=True, verbose_name='text (English)')),
                        ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='published')),
                    ],
                    options={
                        'verbose_name': 'loan terms',
                        'verbose_name_plural': 'loan terms',
                        'db_table': 'assets_loanterms',
                    },
                ),
                migrations.CreateModel(
                    name='EquipmentRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('submitted', 'Submitted'), ('pending_approval', 'Awaiting approval'), ('preparing', 'Being prepared'), ('ready', 'Ready for pick-up'), ('out_for_delivery', 'Out for delivery'), ('handed_over', 'Handed over'), ('closed', 'Closed'), ('refused', 'Refused'), ('cancelled', 'Cancelled')], default='submitted', max_length=20, verbose_name='status')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('wanted_by', models.DateField(blank=True, null=True, verbose_name='wanted by')),
                        ('delivery', models.CharField(choices=[('desk', 'Pick-up at the i-CITY desk'), ('site', 'Delivery to a City site'), ('home', 'Home delivery')], default='desk', max_length=10, verbose_name='delivery')),
                        ('delivery_address', models.TextField(blank=True, verbose_name='delivery address')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                        ('refusal_reason', models.TextField(blank=True, verbose_name='reason for refusal')),
                        ('ready_at', models.DateTimeField(blank=True, null=True, verbose_name='ready since')),
                        ('idempotency_key', models.UUIDField(blank=True, editable=False, null=True, unique=True, verbose_name='idempotency key')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                        ('approver', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests_to_approve', to=settings.AUTH_USER_MODEL, verbose_name='approver')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('delivery_site', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='icity.site', verbose_name='delivery site')),
                        ('prepared_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='prepared by')),
                        ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='equipment_requests', to=settings.AUTH_USER_MODEL, verbose_name='for')),
                    ],
                    options={
                        'verbose_name': 'equipment request',
                        'verbose_name_plural': 'equipment requests',
                        'db_table': 'assets_equipmentrequest',
                    },
                ),
                migrations.CreateModel(
                    name='Loan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('borrower_kind', models.CharField(choices=[('user', 'Staff member'), ('pupil', 'Pupil')], default='user', max_length=10, verbose_name='borrower kind')),
                        ('borrower_label', models.CharField(max_length=200, verbose_name='borrower name')),
                        ('language', models.CharField(default='fr', max_length=2, verbose_name='language')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('partially_returned', 'Partially returned'), ('returned', 'Returned'), ('lost', 'Lost'), ('written_off', 'Written off')], default='active', max_length=20, verbose_name='status')),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='start')),
                        ('due_date', models.DateField(blank=True, help_text='Empty: permanent assignment.', null=True, verbose_name='due date')),
                        ('extensions', models.PositiveSmallIntegerField(default=0, verbose_name='extensions')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                        ('accepted_name', models.CharField(blank=True, max_length=200, verbose_name='name typed by the borrower')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='terms accepted')),
                        ('reminder_offset', models.SmallIntegerField(blank=True, editable=False, null=True, verbose_name='last reminder stage')),
                        ('idempotency_key', models.UUIDField(blank=True, editable=False, null=True, unique=True, verbose_name='idempotency key')),
                        ('borrower', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to=settings.AUTH_USER_MODEL, verbose_name='borrower')),
                        ('checked_out_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lent by')),
                        ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='loans.equipmentrequest', verbose_name='request')),
                        ('witnessed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='witnessed by')),
                        ('terms', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='loans.loanterms', verbose_name='terms')),
                    ],
                    options={
                        'verbose_name': 'loan',
                        'verbose_name_plural': 'loans',
                        'db_table': 'assets_loan',
                    },
                ),
                migrations.CreateModel(
                    name='LoanExtension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('old_due_date', models.DateField(verbose_name='previous due date')),
                        ('new_due_date', models.DateField(verbose_name='new due date')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                        ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extension_log', to='loans.loan', verbose_name='loan')),
                    ],
                    options={
                        'verbose_name': 'loan extension',
                        'verbose_name_plural': 'loan extensions',
                        'db_table': 'assets_loanextension',
                    },
                ),
                migrations.CreateModel(
                    name='LoanLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveSmallIntegerField(default=1, verbose_name='quantity')),
                        ('state', models.CharField(choices=[('open', 'With the borrower'), ('returned', 'Returned'), ('lost', 'Lost or stolen'), ('given', 'Given (not expected back)')], default='open', max_length=10, verbose_name='state')),
                        ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='returned')),
                        ('return_condition', models.CharField(blank=True, choices=[('new', 'New'), ('a', 'A – as new'), ('b', 'B – light wear'), ('c', 'C – visible wear'), ('d', 'D – damaged')], max_length=5, verbose_name='condition on return')),
                        ('return_notes', models.TextField(blank=True, verbose_name='notes on return')),
                        ('missing_parts', models.CharField(blank=True, max_length=255, verbose_name='missing parts')),
                        ('next_status', models.CharField(blank=True, choices=[('in_stock', 'Back to stock'), ('in_repair', 'Repair'), ('reconditioning', 'Reconditioning')], max_length=20, verbose_name='sent to')),
                        ('loss_ticket', models.CharField(blank=True, help_text='The helpdesk ticket for a loss or theft.', max_length=40, verbose_name='ticket reference')),
                        ('asset', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='loan_lines', to='assets.asset', verbose_name='asset')),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='loans.loan', verbose_name='loan')),
                        ('model', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assets.productmodel', verbose_name='model')),
                        ('received_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='received by')),
                        ('returned_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='icity.site', verbose_name='returned to')),
                        ('stock_site', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='icity.site', verbose_name='issued from')),
                    ],
                    options={
                        'verbose_name': 'loan line',
                        'verbose_name_plural': 'loan lines',
                        'db_table': 'assets_loanline',
                    },
                ),
                migrations.CreateModel(
                    name='LoanPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('loan_days', models.PositiveSmallIntegerField(blank=True, help_text='Empty for a permanent assignment.', null=True, verbose_name='loan length (days)')),
                        ('max_extensions', models.PositiveSmallIntegerField(default=2, verbose_name='extensions allowed')),
                        ('extension_days', models.PositiveSmallIntegerField(default=30, verbose_name='days per extension')),
                        ('always_recondition', models.BooleanField(default=False, verbose_name='always reconditioned after return')),
                        ('category', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='loan_policy', to='assets.category', verbose_name='category')),
                    ],
                    options={
                        'verbose_name': 'loan policy',
                        'verbose_name_plural': 'loan policies',
                        'db_table': 'assets_loanpolicy',
                    },
                ),
                migrations.CreateModel(
                    name='PreparedItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveSmallIntegerField(default=1, verbose_name='quantity')),
                        ('asset', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assets.asset', verbose_name='asset')),
                        ('model', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assets.productmodel', verbose_name='model')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prepared_items', to='loans.equipmentrequest', verbose_name='request')),
                        ('stock_site', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='icity.site', verbose_name='issued from')),
                    ],
                    options={
                        'verbose_name': 'prepared item',
                        'verbose_name_plural': 'prepared items',
                        'db_table': 'assets_prepareditem',
                    },
                ),
                migrations.CreateModel(
                    name='Receipt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('hand_over', 'Hand-over receipt'), ('return', 'Return receipt')], max_length=10, verbose_name='kind')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('pdf', models.BinaryField(verbose_name='PDF')),
                        ('loan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='receipts', to='loans.loan', verbose_name='loan')),
                    ],
                    options={
                        'verbose_name': 'receipt',
                        'verbose_name_plural': 'receipts',
                        'db_table': 'assets_receipt',
                    },
                ),
                migrations.CreateModel(
                    name='Recovery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('leaving', 'Leaving the City'), ('telework_end', 'End of telework'), ('other', 'Other')], max_length=20, verbose_name='reason')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=10, verbose_name='status')),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recoveries', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                        ('started_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                    ],
                    options={
                        'verbose_name': 'recovery',
                        'verbose_name_plural': 'recoveries',
                        'db_table': 'assets_recovery',
                    },
                ),
                migrations.CreateModel(
                    name='DeliveryRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('delivery', 'Delivery'), ('pick_up', 'Pick-up'), ('recovery', 'Recovery')], max_length=10, verbose_name='kind')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('en_route', 'En route'), ('done', 'Done'), ('failed', 'Failed')], default='planned', max_length=10, verbose_name='status')),
                        ('date', models.DateField(verbose_name='date')),
                        ('window_start', models.TimeField(verbose_name='from')),
                        ('window_end', models.TimeField(verbose_name='until')),
                        ('address', models.TextField(blank=True, verbose_name='address')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('failure_reason', models.TextField(blank=True, verbose_name='reason for failure')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('idempotency_key', models.UUIDField(blank=True, editable=False, null=True, unique=True, verbose_name='idempotency key')),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='delivery_runs', to=settings.AUTH_USER_MODEL, verbose_name='assignee')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='for')),
                        ('site', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='icity.site', verbose_name='site')),
                        ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='loans.equipmentrequest', verbose_name='request')),
                        ('recovery', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='loans.recovery', verbose_name='recovery')),
                    ],
                    options={
                        'verbose_name': 'delivery or pick-up',
                        'verbose_name_plural': 'deliveries and pick-ups',
                        'db_table': 'assets_deliveryrun',
                    },
                ),
                migrations.CreateModel(
                    name='RequestLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveSmallIntegerField(default=1, verbose_name='quantity')),
                        ('kit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='assets.kit', verbose_name='kit')),
                        ('model', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assets.productmodel', verbose_name='model')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='loans.equipmentrequest', verbose_name='request')),
                    ],
                    options={
                        'verbose_name': 'request line',
                        'verbose_name_plural': 'request lines',
                        'db_table': 'assets_requestline',
                    },
                ),
                migrations.AddIndex(
                    model_name='equipmentrequest',
                    index=models.Index(fields=['status', 'created_at'], name='request_status_created'),
                ),
                migrations.AddIndex(
                    model_name='equipmentrequest',
                    index=models.Index(fields=['requester', '-created_at'], name='request_requester'),
                ),
                migrations.AddIndex(
                    model_name='equipmentrequest',
                    index=models.Index(fields=['approver', 'status'], name='request_approver'),
                ),
                migrations.AddConstraint(
                    model_name='equipmentrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('delivery', 'home'), _negated=True), models.Q(('delivery_address', ''), _negated=True), _connector='OR'), name='request_home_has_address'),
                ),
                migrations.AddConstraint(
                    model_name='equipmentrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('delivery', 'site'), _negated=True), ('delivery_site__isnull', False), _connector='OR'), name='request_site_delivery_has_site'),
                ),
                migrations.AddConstraint(
                    model_name='equipmentrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'refused'), _negated=True), models.Q(('refusal_reason', ''), _negated=True), _connector='OR'), name='request_refusal_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='loanextension',
                    constraint=models.CheckConstraint(condition=models.Q(('new_due_date__gt', models.F('old_due_date'))), name='loan_extension_later'),
                ),
                migrations.AddIndex(
                    model_name='loanline',
                    index=models.Index(fields=['loan', 'state'], name='loan_line_loan_state'),
                ),
                migrations.AddConstraint(
                    model_name='loanline',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('asset',), name='loan_line_one_open_loan_per_asset'),
                ),
                migrations.AddConstraint(
                    model_name='loanline',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('asset__isnull', False), ('quantity', 1), models.Q(('state', 'given'), _negated=True)), models.Q(('asset__isnull', True), ('stock_site__isnull', False)), _connector='OR'), name='loan_line_unit_or_stock'),
                ),
                migrations.AddConstraint(
                    model_name='loanline',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='loan_line_quantity_positive'),
                ),
                migrations.AddConstraint(
                    model_name='loanline',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'returned'), _negated=True), ('returned_at__isnull', False), _connector='OR'), name='loan_line_returned_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='loanpolicy',
                    constraint=models.CheckConstraint(condition=models.Q(('loan_days__isnull', True), ('loan_days__gte', 1), _connector='OR'), name='loan_policy_days_positive'),
                ),
                migrations.AddConstraint(
                    model_name='loanpolicy',
                    constraint=models.CheckConstraint(condition=models.Q(('extension_days__gte', 1)), name='loan_policy_extension_positive'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(condition=models.Q(('status__in', ['active', 'partially_returned'])), fields=['due_date', 'id'], name='loan_open_due'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(fields=['borrower', 'status'], name='loan_borrower_status'),
                ),
                migrations.AddIndex(
                    model_name='loan',
                    index=models.Index(fields=['status', '-started_at'], name='loan_status_started'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('borrower_kind', 'user'), _negated=True), ('borrower__isnull', False), _connector='OR'), name='loan_user_kind_has_borrower'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['active', 'partially_returned']), ('closed_at__isnull', False), _connector='OR'), name='loan_closed_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='loan',
                    constraint=models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('terms__isnull', False), _connector='OR'), name='loan_acceptance_names_terms'),
                ),
                migrations.AddConstraint(
                    model_name='prepareditem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('asset__isnull', False), ('quantity', 1)), models.Q(('asset__isnull', True), ('stock_site__isnull', False)), _connector='OR'), name='prepared_item_unit_or_stock'),
                ),
                migrations.AddConstraint(
                    model_name='prepareditem',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='prepared_item_quantity_positive'),
                ),
                migrations.AddIndex(
                    model_name='receipt',
                    index=models.Index(fields=['loan', 'created_at'], name='receipt_loan'),
                ),
                migrations.AddConstraint(
                    model_name='recovery',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('person',), name='recovery_one_open_per_person'),
                ),
                migrations.AddIndex(
                    model_name='deliveryrun',
                    index=models.Index(fields=['date', 'window_start'], name='run_day'),
                ),
                migrations.AddConstraint(
                    model_name='deliveryrun',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'failed'), _negated=True), models.Q(('failure_reason', ''), _negated=True), _connector='OR'), name='run_failed_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='deliveryrun',
                    constraint=models.CheckConstraint(condition=models.Q(('site__isnull', False), models.Q(('address', ''), _negated=True), _connector='OR'), name='run_has_place'),
                ),
                migrations.AddConstraint(
                    model_name='deliveryrun',
                    constraint=models.CheckConstraint(condition=models.Q(('window_end__gt', models.F('window_start'))), name='run_window_positive'),
                ),
                migrations.AddConstraint(
                    model_name='requestline',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kit__isnull', True), ('model__isnull', False)), models.Q(('kit__isnull', False), ('model__isnull', True)), _connector='OR'), name='request_line_kit_xor_model'),
                ),
                migrations.AddConstraint(
                    model_name='requestline',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='request_line_quantity_positive'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
