from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assets.models.assets import Asset, Condition
from assets.models.catalogue import Category, ProductModel
from icity.models import Site

from .requests import EquipmentRequest


class LoanTerms(models.Model):
    """One version of a loan agreement. A borrower accepts a version; it is never edited afterwards.

    Staff sign the staff loan terms; a pupil's guardian signs the pupil-device terms at the
    collection point. Each audience has at most one current version (a database constraint);
    ``publish`` moves the mark under a lock.
    """

    class Audience(models.TextChoices):
        STAFF = "staff", _("City staff")
        PUPIL_GUARDIAN = "pupil_guardian", _("Pupils' guardians (school PC programme)")

    version = models.CharField(_("version"), max_length=20, unique=True)
    audience = models.CharField(_("who signs it"), max_length=20, choices=Audience, default=Audience.STAFF)
    is_current = models.BooleanField(_("current version"), default=False)
    text_fr = models.TextField(_("text (French)"))
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        db_table = "assets_loanterms"  # kept from when loans lived in assets/
        verbose_name = _("loan terms")
        verbose_name_plural = _("loan terms")
        constraints = [
            models.UniqueConstraint(
                fields=["audience"], condition=models.Q(is_current=True), name="loan_terms_one_current_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_audience_display()})"

    @classmethod
    def current(cls, audience: str = Audience.STAFF) -> "LoanTerms | None":
        """The version marked current for ``audience``; without a mark, the latest one published."""
        versions = cls.objects.filter(audience=audience, published_at__lte=timezone.now())
        return versions.order_by("-is_current", "-published_at", "-pk").first()

    def publish(self) -> None:
        """Make this version the current one of its audience (the previous one stays for the loans that cite it)."""
        with transaction.atomic():
            # Lock the audience's versions so two publications cannot both clear and set the mark.
            list(LoanTerms.objects.select_for_update().filter(audience=self.audience))
            LoanTerms.objects.filter(audience=self.audience, is_current=True).exclude(pk=self.pk).update(
                is_current=False
            )
            self.is_current = True
            self.save(update_fields=["is_current"])

    def text_in(self, language: str | None = None) -> str:
        language = language or get_language() or "fr"
        return {"nl": self.text_nl, "en": self.text_en or self.text_fr}.get(language[:2], self.text_fr)


class LoanPolicy(models.Model):
    """How long a category is lent and how often it may be extended. No loan days = permanent assignment."""

    category = models.OneToOneField(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="loan_policy"
    )
    loan_days = models.PositiveSmallIntegerField(
        _("loan length (days)"), null=True, blank=True, help_text=_("Empty for a permanent assignment.")
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=2)
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), default=30)
    always_recondition = models.BooleanField(_("always reconditioned after return"), default=False)

    class Meta:
        db_table = "assets_loanpolicy"  # kept from when loans lived in assets/
        verbose_name = _("loan policy")
        verbose_name_plural = _("loan policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(loan_days__isnull=True) | models.Q(loan_days__gte=1),
                name="loan_policy_days_positive",
            ),
            models.CheckConstraint(condition=models.Q(extension_days__gte=1), name="loan_policy_extension_positive"),
        ]

    def __str__(self) -> str:
        return str(self.category)


class BorrowerKind(models.TextChoices):
    USER = "user", _("Staff member")
    PUPIL = "pupil", _("Pupil")


class Loan(models.Model):
    """Equipment in someone's hands. Changed only by the loan_* services in ``loans.services``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PARTIALLY_RETURNED = "partially_returned", _("Partially returned")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Lost")
        WRITTEN_OFF = "written_off", _("Written off")

    OPEN_STATUSES = (Status.ACTIVE, Status.PARTIALLY_RETURNED)

    borrower_kind = models.CharField(_("borrower kind"), max_length=10, choices=BorrowerKind, default=BorrowerKind.USER)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("borrower"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    # Name as printed on the receipt (a pupil has no account; the schools app links its pupil to the loan).
    borrower_label = models.CharField(_("borrower name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, default="fr")
    request = models.ForeignKey(
        EquipmentRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    started_at = models.DateTimeField(_("start"), default=timezone.now)
    due_date = models.DateField(_("due date"), null=True, blank=True, help_text=_("Empty: permanent assignment."))
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lent by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    terms = models.ForeignKey(
        LoanTerms, verbose_name=_("terms"), null=True, blank=True, on_delete=models.PROTECT, related_name="loans"
    )
    accepted_name = models.CharField(_("name typed by the borrower"), max_length=200, blank=True)
    accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witnessed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The last reminder stage sent (days relative to the due date, e.g. -7, 0, +30); reset by an extension.
    reminder_offset = models.SmallIntegerField(_("last reminder stage"), null=True, blank=True, editable=False)
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        db_table = "assets_loan"  # kept from when loans lived in assets/
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(borrower_kind="user") | models.Q(borrower__isnull=False),
                name="loan_user_kind_has_borrower",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "partially_returned"]) | models.Q(closed_at__isnull=False),
                name="loan_closed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(terms__isnull=False),
                name="loan_acceptance_names_terms",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date", "id"],
                name="loan_open_due",
                condition=models.Q(status__in=["active", "partially_returned"]),
            ),
            models.Index(fields=["borrower", "status"], name="loan_borrower_status"),
            models.Index(fields=["status", "-started_at"], name="loan_status_started"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("assets:loan", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"LN-{self.pk:06d}" if self.pk else "LN-new"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def days_overdue(self, today) -> int:
        if not self.is_open or self.due_date is None:
            return 0
        return max((today - self.due_date).days, 0)


class LoanLine(models.Model):
    """One unit, or a quantity of a stock item, on a loan."""

    class State(models.TextChoices):
        OPEN = "open", _("With the borrower")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Lost or stolen")
        GIVEN = "given", _("Given (not expected back)")

    class NextStatus(models.TextChoices):
        STOCK = "in_stock", _("Back to stock")
        REPAIR = "in_repair", _("Repair")
        RECONDITIONING = "reconditioning", _("Reconditioning")

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="lines")
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.PROTECT, related_name="loan_lines"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    stock_site = models.ForeignKey(
        Site, verbose_name=_("issued from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_to = models.ForeignKey(
        Site, verbose_name=_("returned to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_condition = models.CharField(_("condition on return"), max_length=5, choices=Condition, blank=True)
    return_notes = models.TextField(_("notes on return"), blank=True)
    missing_parts = models.CharField(_("missing parts"), max_length=255, blank=True)
    next_status = models.CharField(_("sent to"), max_length=20, choices=NextStatus, blank=True)
    loss_ticket = models.CharField(
        _("ticket reference"), max_length=40, blank=True, help_text=_("The helpdesk ticket for a loss or theft.")
    )

    class Meta:
        db_table = "assets_loanline"  # kept from when loans lived in assets/
        verbose_name = _("loan line")
        verbose_name_plural = _("loan lines")
        constraints = [
            # A unit is on at most one open loan, whatever the code above does.
            models.UniqueConstraint(
                fields=["asset"], condition=models.Q(state="open"), name="loan_line_one_open_loan_per_asset"
            ),
            models.CheckConstraint(
                condition=(models.Q(asset__isnull=False) & models.Q(quantity=1) & ~models.Q(state="given"))
                | (models.Q(asset__isnull=True) & models.Q(stock_site__isnull=False)),
                name="loan_line_unit_or_stock",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="loan_line_quantity_positive"),
            models.CheckConstraint(
                condition=~models.Q(state="returned") | models.Q(returned_at__isnull=False),
                name="loan_line_returned_has_time",
            ),
        ]
        indexes = [models.Index(fields=["loan", "state"], name="loan_line_loan_state")]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.asset_id or self.model_id}"


class LoanExtension(models.Model):
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="extension_log")
    old_due_date = models.DateField(_("previous due date"))
    new_due_date = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        db_table = "assets_loanextension"  # kept from when loans lived in assets/
        verbose_name = _("loan extension")
        verbose_name_plural = _("loan extensions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_due_date__gt=models.F("old_due_date")), name="loan_extension_later"
            )
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.old_due_date} → {self.new_due_date}"


class Receipt(models.Model):
    """A PDF given to the borrower at hand-over or return. Stored in the database, served through a permission check."""

    class Kind(models.TextChoices):
        HAND_OVER = "hand_over", _("Hand-over receipt")
        RETURN = "return", _("Return receipt")

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    pdf = models.BinaryField(_("PDF"))

    class Meta:
        db_table = "assets_receipt"  # kept from when loans lived in assets/
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [models.Index(fields=["loan", "created_at"], name="receipt_loan")]

    def __str__(self) -> str:
        return f"{self.kind} {self.loan_id}"

    @property
    def filename(self) -> str:
        prefix = "handover" if self.kind == self.Kind.HAND_OVER else "return"
        return f"{prefix}-LN-{self.loan_id:06d}-{self.pk}.pdf"
