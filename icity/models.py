from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class BilingualName(models.Model):
    """A name the City publishes in French and Dutch; English falls back to French."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_nl if get_language() == "nl" else self.name_fr


class Department(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Site(BilingualName):
    class Kind(models.TextChoices):
        OFFICE = "office", _("Office building")
        ICITY_DESK = "icity_desk", _("i-CITY desk")
        WAREHOUSE = "warehouse", _("Warehouse")
        SCHOOL = "school", _("School")
        COLLECTION_POINT = "collection_point", _("Collection point")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OFFICE)
    address = models.CharField(_("address"), max_length=255)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A City employee (or school contact). Logs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language, default=Language.FRENCH)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("Approves equipment requests and receives escalations."),
    )
    # Changed by "log out everywhere": part of the session hash, so every session ends.
    session_stamp = models.CharField(_("session stamp"), max_length=32, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("pk")), name="user_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        # A new password or a deactivation ends every API token with the sessions
        # (sessions end by themselves: their hash is made from the password).
        revoke = self.pk is not None and (self._password is not None or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:
            ApiToken.objects.filter(user=self).delete()

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        if not self.session_stamp:
            return super().get_session_auth_hash()
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password + self.session_stamp,
            algorithm="sha256",
        ).hexdigest()


class Notification(models.Model):
    """One message to send, written in the same transaction as its cause.

    ``dedupe_key`` is unique: whatever retries or duplicate sweeps do, the same
    reminder is never created twice (see DESIGN.md, the notification outbox).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.FRENCH)
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # References such as [{"kind": "loans.receipt", "id": 12}], resolved when sent (see outbox.render_message).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_pending_due", condition=models.Q(status="pending")),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class Heartbeat(models.Model):
    """Last time a periodic task ran: proof that beat and a worker are alive."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once, when it is made.

    Tokens end when their owner's password changes, when the owner is deactivated
    and when an administrator logs the owner out everywhere (see User.save and
    ``icity.tokens``).
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
