"""What the loan workflows share: errors, loan policies, messages to people, row locks."""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assets.models import Asset, AssetStatus, ProductModel
from assets.services import InventoryError
from icity.outbox import notify_user

from .. import receipts
from ..models import (
    EquipmentRequest,
    Loan,
    LoanLine,
    LoanPolicy,
    Receipt,
)

S = AssetStatus
R = EquipmentRequest.Status
OPEN = LoanLine.State.OPEN


class LoanError(InventoryError):
    """A refused loans or logistics action, with a message for the user."""


# --- Helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    loan_days: int | None
    max_extensions: int
    extension_days: int
    always_recondition: bool


def policy_for(model: ProductModel) -> Policy:
    policy = LoanPolicy.objects.filter(category_id=model.category_id).first()
    if policy is None:
        return Policy(
            loan_days=settings.LOANS_DEFAULT_DAYS,
            max_extensions=settings.LOANS_DEFAULT_MAX_EXTENSIONS,
            extension_days=settings.LOANS_DEFAULT_EXTENSION_DAYS,
            always_recondition=model.category.code in settings.LOANS_ALWAYS_RECONDITION,
        )
    return Policy(
        loan_days=policy.loan_days,
        max_extensions=policy.max_extensions,
        extension_days=policy.extension_days,
        always_recondition=policy.always_recondition or model.category.code in settings.LOANS_ALWAYS_RECONDITION,
    )


def due_date_for(models: Iterable[ProductModel], *, start: date) -> date | None:
    """The earliest due date the lent models' policies allow; None when every one is a permanent assignment."""
    days = [policy.loan_days for policy in map(policy_for, models) if policy.loan_days]
    return start + timedelta(days=min(days)) if days else None


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _tell(
    user,
    *,
    key: str,
    subject: str,
    paragraphs: list[str],
    items: list[str] | None = None,
    url: str = "",
    receipt: Receipt | None = None,
    receipt_note: dict | None = None,
):
    """Queue one message, its text rendered now in the recipient's language (the context stays JSON).

    ``receipt`` is attached as its PDF when the message is sent; ``receipt_note``
    ({"attached": ..., "missing": ...}) says so, or (if the receipt was deleted
    before the send) that it is on the page.
    """
    if user is None or not user.email:
        return False
    return notify_user(
        user=user,
        dedupe_key=key,
        template="loans_notice",
        attachments=[{"kind": receipts.RECEIPT_ATTACHMENT, "id": receipt.pk}] if receipt is not None else None,
        context={
            "subject": subject,
            "greeting": _("Hello %(name)s,") % {"name": user.get_full_name() or user.email},
            "paragraphs": paragraphs,
            "items": items or [],
            "url": url,
            "receipt_note": receipt_note or {},
        },
    )


class _In:
    """``with _In(user):`` — gettext in the recipient's language while writing their message."""

    def __init__(self, user):
        self.language = getattr(user, "language", None) or settings.LANGUAGE_CODE

    def __enter__(self):
        self._override = translation.override(self.language)
        self._override.__enter__()

    def __exit__(self, *exc):
        self._override.__exit__(*exc)


def _asset_label(asset: Asset) -> str:
    return f"{asset.tag} — {asset.model}" + (f" (S/N {asset.serial})" if asset.serial else "")


def _lock_assets(asset_ids: Iterable[int]) -> list[Asset]:
    # Lock in id order so that two check-outs of overlapping units queue instead of deadlocking.
    return list(
        Asset.objects.select_for_update(of=("self",))
        .select_related("site", "holder", "model__manufacturer", "model__category")
        .filter(pk__in=set(asset_ids))
        .order_by("pk")
    )


def _lock_loan(loan: Loan | int) -> Loan:
    loan_id = loan if isinstance(loan, int) else loan.pk
    return Loan.objects.select_for_update(of=("self",)).select_related("borrower").get(pk=loan_id)


def _refresh_status(loan: Loan) -> None:
    states = Counter(loan.lines.values_list("state", flat=True))
    if states[OPEN]:
        done = states[LoanLine.State.RETURNED] + states[LoanLine.State.LOST]
        status = Loan.Status.PARTIALLY_RETURNED if done else Loan.Status.ACTIVE
    elif states[LoanLine.State.LOST]:
        status = Loan.Status.LOST
    else:
        status = Loan.Status.RETURNED
    if status != loan.status:
        loan.status = status
        loan.closed_at = None if status in Loan.OPEN_STATUSES else timezone.now()
        loan.save(update_fields=["status", "closed_at"])


def _existing(model, key: uuid.UUID | None):
    return model.objects.filter(idempotency_key=key).first() if key else None
