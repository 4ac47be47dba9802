"""Time: stored as UTC ISO 8601, shown in the shop's zone (WIB, WITA, WIT; no daylight saving)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

ZONES: dict[str, timezone] = {
    "WIB": timezone(timedelta(hours=7), "WIB"),
    "WITA": timezone(timedelta(hours=8), "WITA"),
    "WIT": timezone(timedelta(hours=9), "WIT"),
}
DEFAULT_ZONE = "WIB"

_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC (frozen by :func:`frozen_clock` in the demo and in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_clock(at: datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def to_iso(moment: datetime) -> str:
    """``2026-11-26T13:22:29.123Z``: sortable as text."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return to_iso(now())


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def zone(name: str) -> timezone:
    return ZONES.get(name, ZONES[DEFAULT_ZONE])


def local(moment: datetime | str, zone_name: str) -> datetime:
    if isinstance(moment, str):
        moment = from_iso(moment)
    return moment.astimezone(zone(zone_name))


def local_date(moment: datetime | str, zone_name: str) -> date:
    return local(moment, zone_name).date()


def format_local(moment: datetime | str, zone_name: str, *, seconds: bool = False) -> str:
    """``26/11/2026 20:22 WIB`` as people in the shop read it."""
    pattern = "%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M"
    return f"{local(moment, zone_name).strftime(pattern)} {zone_name}"


#: How a day may be typed: 31-12-2027 (as people here write it), 31/12/2027, 31.12.2027 or
#: 2027-12-31.
DAY_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_day(value, *, field: str, what: str = "") -> date | None:
    """A typed day (or a date); None when left empty; a UserError naming ``what`` when it
    is not a day."""
    from app.i18n import _
    from app.models.errors import UserError

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in DAY_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise UserError(_("{what} tidak valid: \"{text}\". Tulis mis. 31-12-2027.").format(
        what=what or _("Tanggal"), text=text[:20]), field)


def day_text(day: date | str | None, empty: str = "") -> str:
    """A day (a date or ISO text) as people write it: 31-12-2027; ``empty`` for none."""
    if not day:
        return empty
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day.strftime("%d-%m-%Y")
