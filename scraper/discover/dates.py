"""Dates as sitemaps and feeds write them -> the archive's UTC timestamp format."""
from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timezone

# W3C datetime (sitemaps): YYYY, YYYY-MM, YYYY-MM-DD, then a time and a zone, all optional.
_W3C = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?\s*$", re.IGNORECASE)


def w3c_to_utc(text: str | None) -> str | None:
    """A sitemap date as UTC ISO 8601 seconds; None when it is not one. No zone means UTC."""
    if not text:
        return None
    match = _W3C.match(text[:64])
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        when = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0),
                        int(minute or 0), int(second or 0), tzinfo=timezone.utc)
    except ValueError:
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        when = datetime.fromtimestamp(when.timestamp() - offset, timezone.utc)
    return when.isoformat(timespec="seconds")


def struct_to_utc(value: time.struct_time | None) -> str | None:
    """feedparser's parsed dates (UTC struct_time) in the same format."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), timezone.utc).isoformat(
            timespec="seconds")
    except (OverflowError, ValueError, OSError):
        return None
