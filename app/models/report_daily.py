"""The treasurer's daily takings (laporan kas harian): what came in on each of the shop's
days by payment method, net of returns and voids; each shift with its drawer count; the
returns and voids themselves; and the drawer's other cash in and out. Reads only.

A day is the shop's day in its own zone. A return or void is a sale record with a negative
total, counted on the day it was made (not on the day of the sale it reverses). A shift is
shown on the day it was opened, whole: its figures are the Z report's own
(:func:`app.models.shifts.shift_summary`), never recomputed here, so the paper and the
drawer's count can never disagree.

Money other than the drawer's — supplier and producer payments — is not here: those belong
to the cash book.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import _
from app.models.clock import local_date, now_iso, parse_day
from app.models.db import Database
from app.models.errors import UserError
from app.models.settings import get_settings
from app.models.shifts import ShiftSummary, shift_summary
from app.models.stock_views import day_bounds

#: Every way a sale can be paid, in the order the report lists them.
METHODS = ("cash", "qris", "transfer", "bon", "deposit")
#: Money that actually came in on the day; bon is a member's debt and a deposit was paid
#: on an earlier day.
RECEIVED = ("cash", "qris", "transfer")
#: The longest period one daily report covers: beyond a month it is the monthly report.
MAX_DAYS = 31


@dataclass(frozen=True)
class MethodTakings:
    method: str
    sales: int          # paid this way on sales
    returns: int        # given back this way on returns and voids (zero or negative)

    @property
    def net(self) -> int:
        return self.sales + self.returns


@dataclass(frozen=True)
class Takings:
    """Sales, returns and voids of a stretch of time, with their payments by method."""

    sales_count: int
    returns_count: int      # returns and voids
    gross: int              # what the sales came to
    returns: int            # what the returns and voids gave back (zero or negative)
    methods: tuple[MethodTakings, ...]      # one per METHODS, in that order

    @property
    def net(self) -> int:
        return self.gross + self.returns

    def method(self, name: str) -> MethodTakings:
        return next(m for m in self.methods if m.method == name)

    @property
    def received(self) -> int:
        """Net money in: cash, QRIS and transfer."""
        return sum(self.method(m).net for m in RECEIVED)


@dataclass(frozen=True)
class ShiftTakings:
    """One shift as its Z report (or, while open, its X report) has it."""

    summary: ShiftSummary
    #: The cash in ``summary.by_method`` split: taken on sales, and given back on returns
    #: and voids (zero or negative), so the paper can show how the expected cash is made.
    cash_sales: int = 0
    cash_refunds: int = 0

    @property
    def closed(self) -> bool:
        return self.summary.shift.closed_at is not None

    @property
    def net(self) -> int:
        return self.summary.gross_sales - self.summary.refunds

    def method(self, name: str) -> int:
        """Net taken this way in the shift (sales less what went back)."""
        return dict(self.summary.by_method).get(name, 0)

    @property
    def cash_net(self) -> int:
        """Cash sales less cash refunds: what sales left in the drawer."""
        return self.method("cash")


@dataclass(frozen=True)
class ReturnLine:
    """A return or void: the reversing record, the receipt it reverses, who approved."""

    number: str
    kind: str               # return / void
    created_at: str         # UTC ISO
    original_number: str
    total: int              # negative: what was given back
    reason: str
    cashier: str
    approved_by: str
    shift_number: str


@dataclass(frozen=True)
class CashMove:
    """Cash put into (+) or taken out of (−) a drawer outside sales: a pre-order deposit
    taken or given back, change brought in, money taken to the bank."""

    created_at: str         # UTC ISO
    shift_number: str
    till: str
    reason: str
    user: str
    amount: int


@dataclass(frozen=True)
class DayTakings:
    day: date
    takings: Takings
    shifts: tuple[ShiftTakings, ...]        # opened on this day
    returned: tuple[ReturnLine, ...]
    cash_moves: tuple[CashMove, ...]

    @property
    def over_short(self) -> int:
        """The closed shifts' drawer differences: + over, − short."""
        return sum(s.summary.over_short or 0 for s in self.shifts if s.closed)

    @property
    def cash_in(self) -> int:
        return sum(m.amount for m in self.cash_moves if m.amount > 0)

    @property
    def cash_out(self) -> int:
        return -sum(m.amount for m in self.cash_moves if m.amount < 0)


@dataclass(frozen=True)
class DailyReport:
    date_from: date
    date_to: date
    days: tuple[DayTakings, ...]            # every day of the period, also a quiet one
    total: Takings                          # the whole period, read in one go

    @property
    def shifts(self) -> tuple[ShiftTakings, ...]:
        return tuple(s for d in self.days for s in d.shifts)

    @property
    def over_short(self) -> int:
        return sum(d.over_short for d in self.days)

    @property
    def open_shifts(self) -> int:
        return sum(not s.closed for s in self.shifts)


def method_label(method: str) -> str:
    """A payment method as the treasurer reads it."""
    return {"cash": _("Tunai"), "qris": _("QRIS"), "transfer": _("Transfer"),
            "bon": _("Bon anggota"), "deposit": _("Uang muka (DP) dipakai")}.get(method, method)


def kind_label(kind: str) -> str:
    return {"return": _("Retur"), "void": _("Batal")}.get(kind, kind)


def check_period(db: Database, date_from, date_to) -> tuple[date, date]:
    """The report's first and last day (both included), or a UserError saying what is
    wrong: missing, not a day, reversed, after today or longer than MAX_DAYS."""
    first = parse_day(date_from, field="date_from", what=_("Tanggal awal"))
    last = parse_day(date_to, field="date_to", what=_("Tanggal akhir"))
    if first is None:
        raise UserError(_("Tanggal awal laporan belum diisi."), "date_from")
    if last is None:
        raise UserError(_("Tanggal akhir laporan belum diisi."), "date_to")
    if first > last:
        raise UserError(_("Tanggal awal sesudah tanggal akhir."), "date_from")
    today = local_date(now_iso(), get_settings(db).zone)
    if last > today:
        raise UserError(_("Periode laporan melewati hari ini ({today}); hari yang belum tiba"
                          " belum punya penerimaan.").format(today=today.strftime("%d-%m-%Y")),
                        "date_to")
    if (last - first).days + 1 > MAX_DAYS:
        raise UserError(_("Laporan harian paling panjang {days} hari; pakai laporan bulanan"
                          " untuk periode yang lebih panjang.").format(days=MAX_DAYS),
                        "date_from")
    return first, last


def takings(db: Database, start: str, end: str) -> Takings:
    """Sales, returns and voids made in [start, end) (UTC ISO) with their payments."""
    counts = db.one(
        "SELECT coalesce(sum(kind = 'sale'), 0) AS sales, coalesce(sum(kind <> 'sale'), 0)"
        " AS returns, coalesce(sum(CASE WHEN kind = 'sale' THEN total END), 0) AS gross,"
        " coalesce(sum(CASE WHEN kind <> 'sale' THEN total END), 0) AS returned"
        " FROM sales WHERE created_at >= ? AND created_at < ?", (start, end))
    paid = {r["method"]: (r["sales"], r["returns"]) for r in db.query(
        "SELECT p.method, coalesce(sum(CASE WHEN s.kind = 'sale' THEN p.amount END), 0)"
        " AS sales, coalesce(sum(CASE WHEN s.kind <> 'sale' THEN p.amount END), 0) AS returns"
        " FROM sales s JOIN payments p ON p.sale_id = s.id"
        " WHERE s.created_at >= ? AND s.created_at < ? GROUP BY p.method", (start, end))}
    return Takings(counts["sales"], counts["returns"], counts["gross"], counts["returned"],
                   tuple(MethodTakings(m, *paid.get(m, (0, 0))) for m in METHODS))


def shifts_opened(db: Database, start: str, end: str) -> tuple[ShiftTakings, ...]:
    """The shifts opened in [start, end), by opening time, each as its Z report has it."""
    ids = db.query("SELECT id FROM shifts WHERE opened_at >= ? AND opened_at < ?"
                   " ORDER BY opened_at, till, number", (start, end))
    return tuple(ShiftTakings(shift_summary(db, r["id"]), *_cash_split(db, r["id"])) for r in ids)


def _cash_split(db: Database, shift_id: str) -> tuple[int, int]:
    row = db.one("SELECT coalesce(sum(CASE WHEN s.kind = 'sale' THEN p.amount END), 0),"
                 " coalesce(sum(CASE WHEN s.kind <> 'sale' THEN p.amount END), 0)"
                 " FROM sales s JOIN payments p ON p.sale_id = s.id"
                 " WHERE s.shift_id = ? AND p.method = 'cash'", (shift_id,))
    return row[0], row[1]


def returns_made(db: Database, start: str, end: str) -> tuple[ReturnLine, ...]:
    return tuple(ReturnLine(*r) for r in db.query(
        "SELECT s.number, s.kind, s.created_at, coalesce(o.number, ''), s.total, s.reason,"
        " coalesce(u.full_name, ''), coalesce(a.full_name, ''), sh.number"
        " FROM sales s JOIN shifts sh ON sh.id = s.shift_id"
        " LEFT JOIN sales o ON o.id = s.original_id"
        " LEFT JOIN users u ON u.id = s.user_id LEFT JOIN users a ON a.id = s.approved_by"
        " WHERE s.kind <> 'sale' AND s.created_at >= ? AND s.created_at < ?"
        " ORDER BY s.created_at, s.number", (start, end)))


def cash_moves(db: Database, start: str, end: str) -> tuple[CashMove, ...]:
    """Cash in and out of the drawers in [start, end), outside sales."""
    return tuple(CashMove(*r) for r in db.query(
        "SELECT c.created_at, sh.number, sh.till, c.reason, coalesce(u.full_name, ''), c.amount"
        " FROM shift_cash c JOIN shifts sh ON sh.id = c.shift_id"
        " LEFT JOIN users u ON u.id = c.user_id"
        " WHERE c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at, c.rowid",
        (start, end)))


def day_takings(db: Database, day: date) -> DayTakings:
    start, end = day_bounds(db, day, day)
    return DayTakings(day, takings(db, start, end), shifts_opened(db, start, end),
                      returns_made(db, start, end), cash_moves(db, start, end))


def daily_report(db: Database, date_from, date_to) -> DailyReport:
    """The takings of each of the shop's days ``date_from``..``date_to`` (both included)
    and of the whole period."""
    first, last = check_period(db, date_from, date_to)
    with _read_snapshot(db):
        days = tuple(day_takings(db, first + timedelta(days=n))
                     for n in range((last - first).days + 1))
        total = takings(db, *day_bounds(db, first, last))
    return DailyReport(first, last, days, total)


@contextmanager
def _read_snapshot(db: Database) -> Iterator[None]:
    """Every read inside sees the database as it was at the first one: a sale made at the
    till while today's report is read lands in every figure or in none, so the days always
    add up to the total. A deferred transaction takes no write lock (WAL), so the till is
    never kept waiting; inside a caller's transaction that one already holds still."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        db.execute("COMMIT")
