from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, Condition


class ReconStep(models.TextChoices):
    INTAKE = "intake", _("Intake")
    WIPE = "wipe", _("Data wipe")
    TESTS = "tests", _("Hardware tests")
    IMAGE = "image", _("OS image")
    CLEANING = "cleaning", _("Cleaning and grade")
    QA = "qa", _("QA sign-off")
    READY = "ready", _("Ready for the programme")
    REPAIR = "repair", _("Sent to repair")
    PARTS = "parts", _("Kept for parts")
    DISPOSAL = "disposal", _("Disposal")


OPEN_STEPS = (ReconStep.INTAKE, ReconStep.WIPE, ReconStep.TESTS, ReconStep.IMAGE, ReconStep.CLEANING, ReconStep.QA)
END_STEPS = (ReconStep.READY, ReconStep.REPAIR, ReconStep.PARTS, ReconStep.DISPOSAL)


class WipeMethod(models.TextChoices):
    CLEAR = "clear", _("NIST SP 800-88 Clear")
    PURGE = "purge", _("NIST SP 800-88 Purge")


class CosmeticGrade(models.TextChoices):
    A = "A", _("A – as new")
    B = "B", _("B – light marks")
    C = "C", _("C – visible wear")


class CertificateCounter(models.Model):
    """One row per year, locked to number wipe certificates WC-YYYY-NNNNN without duplicates."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ReconJob(models.Model):
    """One pass of a returned or donated unit through the reconditioning bench."""

    class Source(models.TextChoices):
        RETURNED = "returned", _("Returned")
        DONATED = "donated", _("Donated")
        STOCK = "stock", _("From City stock")

    class WipeResult(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    asset = models.ForeignKey(Asset, verbose_name=_("device"), on_delete=models.PROTECT, related_name="recon_jobs")
    step = models.CharField(_("step"), max_length=20, choices=ReconStep, default=ReconStep.WIPE)
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.RETURNED)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("technician"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Intake
    intake_at = models.DateTimeField(_("intake"), default=timezone.now)
    serial_seen = models.CharField(_("serial number read at intake"), max_length=100, blank=True)
    intake_condition = models.CharField(_("condition at intake"), max_length=5, choices=Condition, default=Condition.B)
    intake_notes = models.CharField(_("intake notes"), max_length=255, blank=True)
    # Data wipe
    wipe_method = models.CharField(_("wipe method"), max_length=10, choices=WipeMethod, blank=True)
    wipe_tool = models.CharField(_("wipe tool"), max_length=100, blank=True)
    wipe_result = models.CharField(_("wipe result"), max_length=10, choices=WipeResult, blank=True)
    wipe_verification = models.CharField(_("verification"), max_length=255, blank=True)
    wipe_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wipe operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    wiped_at = models.DateTimeField(_("wiped"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=20, null=True, blank=True, unique=True)
    # Hardware tests
    battery_health = models.PositiveSmallIntegerField(_("battery health (%)"), null=True, blank=True)
    screen_ok = models.BooleanField(_("screen"), null=True)
    keyboard_ok = models.BooleanField(_("keyboard"), null=True)
    ports_ok = models.BooleanField(_("ports"), null=True)
    webcam_mic_ok = models.BooleanField(_("webcam and microphone"), null=True)
    storage_ok = models.BooleanField(_("storage health"), null=True)
    tested_at = models.DateTimeField(_("tested"), null=True, blank=True)
    # OS image, cleaning
    os_image = models.CharField(_("OS image"), max_length=100, blank=True)
    os_version = models.CharField(_("OS version"), max_length=50, blank=True)
    imaged_at = models.DateTimeField(_("imaged"), null=True, blank=True)
    cleaned_at = models.DateTimeField(_("cleaned"), null=True, blank=True)
    cosmetic_grade = models.CharField(_("cosmetic grade"), max_length=1, choices=CosmeticGrade, blank=True)
    # QA and outcome
    qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("QA signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qa_at = models.DateTimeField(_("QA signed off"), null=True, blank=True)
    outcome_reason = models.CharField(_("reason"), max_length=255, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("reconditioning job")
        verbose_name_plural = _("reconditioning jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["asset"], condition=models.Q(closed_at__isnull=True), name="recon_one_open_job_per_asset"
            ),
            models.CheckConstraint(
                condition=models.Q(battery_health__isnull=True) | models.Q(battery_health__lte=100),
                name="recon_battery_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_number__isnull=True) | models.Q(wipe_result="passed"),
                name="recon_certificate_only_for_passed_wipe",
            ),
            models.CheckConstraint(
                condition=models.Q(qa_by__isnull=True) | ~models.Q(qa_by=models.F("technician")),
                name="recon_qa_not_by_technician",
            ),
            models.CheckConstraint(
                condition=~models.Q(step__in=["repair", "parts", "disposal"]) | ~models.Q(outcome_reason=""),
                name="recon_outcome_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["step", "updated_at"], name="recon_board"),
            models.Index(fields=["closed_at"], name="recon_closed"),
        ]

    def __str__(self) -> str:
        return f"RJ-{self.pk} {self.asset_id}"

    def get_absolute_url(self) -> str:
        return reverse("schools:job", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
