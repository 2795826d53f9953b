"""Dates against today, in the active time zone (Asia/Shanghai)."""

import datetime

from django.utils import timezone

# Any two time zones' days are at most two calendar days apart (UTC-12 to UTC+14), so a date
# three days before the machine's own date is past in the active zone too.
_SURELY_PAST = datetime.timedelta(days=3)


def is_future(day):
    """True if ``day`` is after today in the active time zone (Asia/Shanghai).

    Nearly every date checked is long past and is settled by the machine's date alone:
    asking Django for the active zone's day costs tens of microseconds, which an import of
    100,000 records would otherwise pay a quarter of a million times.
    """
    if day <= datetime.date.today() - _SURELY_PAST:
        return False
    return day > timezone.localdate()
