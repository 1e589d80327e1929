"""An asset's history as sentences in the reader's language.

History rows keep the raw values they were written with (status keys, site codes,
"field: value" for details); this module turns each row into one sentence, so a
page never shows `on_loan → reconditioning` or `in_stock @ DEPOT / D-11`.
"""

from django.utils.translation import gettext as _

from .models import Asset, AssetEvent, AssetStatus, Condition

_STATUS = dict(AssetStatus.choices)
_CONDITION = dict(Condition.choices)


def _status(value: str) -> str:
    return str(_STATUS.get(value, value))


def _condition(value: str) -> str:
    return str(_CONDITION.get(value, value))


def _field(name: str) -> str:
    try:
        return str(Asset._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: show its name
        return name


def _split_detail(value: str) -> tuple[str, str]:
    name, sep, rest = value.partition(": ")
    return (name, rest) if sep else ("", value)


def describe(event: AssetEvent) -> str:
    kind, old, new = event.kind, event.old_value, event.new_value
    K = AssetEvent.Kind
    if kind in (K.CREATED, K.IMPORT):
        status, _sep, place = new.partition(" @ ")
        values = {"status": _status(status), "place": place}
        if kind == K.IMPORT:
            return (
                _("Imported at %(place)s, status: %(status)s.") if place else _("Imported, status: %(status)s.")
            ) % values
        return (
            _("Registered at %(place)s, status: %(status)s.") if place else _("Registered, status: %(status)s.")
        ) % values
    if kind == K.STATUS or (kind == K.STOCKTAKE and (old in _STATUS or new in _STATUS)):
        values = {"old": _status(old), "new": _status(new)}
        if kind == K.STOCKTAKE:
            return _("Stocktake: status changed from “%(old)s” to “%(new)s”.") % values
        return _("Status changed from “%(old)s” to “%(new)s”.") % values
    if kind == K.STOCKTAKE:
        return _("Stocktake: found at %(new)s (recorded at %(old)s).") % {"old": old or "—", "new": new or "—"}
    if kind == K.LOCATION:
        if not old:
            return _("Placed at %(new)s.") % {"new": new}
        return _("Moved from %(old)s to %(new)s.") % {"old": old, "new": new or "—"}
    if kind == K.HOLDER:
        if not old:
            return _("Handed to %(new)s.") % {"new": new}
        if not new:
            return _("Given back by %(old)s.") % {"old": old}
        return _("Passed from %(old)s to %(new)s.") % {"old": old, "new": new}
    if kind == K.CONDITION:
        return _("Condition changed from “%(old)s” to “%(new)s”.") % {"old": _condition(old), "new": _condition(new)}
    if kind == K.DETAILS:
        name, old_value = _split_detail(old)
        _name, new_value = _split_detail(new)
        return _("%(field)s changed from “%(old)s” to “%(new)s”.") % {
            "field": _field(name or _name).capitalize(),
            "old": old_value or "—",
            "new": new_value or "—",
        }
    return " → ".join(value for value in (old, new) if value)
