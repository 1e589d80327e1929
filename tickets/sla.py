"""Business time on the Brussels working calendar.

Working time is Monday to Friday between TICKETS_WORKDAY_START and
TICKETS_WORKDAY_END, Europe/Brussels wall-clock time, minus Belgian public
holidays (the ``holidays`` package) and TICKETS_CLOSURE_DAYS. Arithmetic is
done on local dates and times and converted back to aware datetimes per day,
so a daylight-saving change over a weekend moves nothing.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

BRUSSELS = ZoneInfo("Europe/Brussels")
MAX_DAYS = 3660  # ten years: an upper bound so a misconfiguration can never loop forever


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def workday() -> tuple[time, time]:
    return _parse(settings.TICKETS_WORKDAY_START), _parse(settings.TICKETS_WORKDAY_END)


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _public_holidays(settings.TICKETS_HOLIDAY_COUNTRY, day.year):
        return False
    return day.isoformat() not in settings.TICKETS_CLOSURE_DAYS


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BRUSSELS)


def add_business_minutes(start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of working time after ``start``."""
    opens, closes = workday()
    local = start.astimezone(BRUSSELS)
    day, moment = local.date(), local.time().replace(tzinfo=None)
    remaining = max(int(minutes), 0)
    for _step in range(MAX_DAYS):
        if is_working_day(day) and moment < closes:
            begin = max(moment, opens)
            available = int((datetime.combine(day, closes) - datetime.combine(day, begin)).total_seconds() // 60)
            if remaining <= available:
                return _at(day, begin) + timedelta(minutes=remaining)
            remaining -= available
        day, moment = day + timedelta(days=1), opens
    raise ValueError("No working time found within ten years; check the calendar settings.")


def business_minutes_between(start: datetime, end: datetime) -> int:
    """Working minutes in [start, end); 0 when end is not after start."""
    if end <= start:
        return 0
    opens, closes = workday()
    local_start, local_end = start.astimezone(BRUSSELS), end.astimezone(BRUSSELS)
    total = 0.0
    day = local_start.date()
    for _step in range(MAX_DAYS):
        if day > local_end.date():
            break
        if is_working_day(day):
            begin = datetime.combine(day, opens)
            finish = datetime.combine(day, closes)
            if day == local_start.date():
                begin = max(begin, local_start.replace(tzinfo=None))
            if day == local_end.date():
                finish = min(finish, local_end.replace(tzinfo=None))
            if finish > begin:
                total += (finish - begin).total_seconds() / 60
        day += timedelta(days=1)
    return int(total)


def add_business_days(start: datetime, days: int) -> datetime:
    """The same working time ``days`` working days later (a full working day each)."""
    opens, closes = workday()
    day_minutes = int((datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).total_seconds() // 60)
    return add_business_minutes(start, days * day_minutes)
