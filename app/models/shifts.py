"""Cashier shifts: a float to start, cash in/out with a reason, X (interim) and Z (close)
reports with a count by denomination and the over/short recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import PermissionDenied, UserError
from app.models.ids import new_id, next_document_number
from app.models.money import MAX_RUPIAH, parse_rupiah
from app.models.settings import get_settings
from app.models.users import User, can, get_user, require

DENOMINATIONS = (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100)
METHODS = ("cash", "qris", "transfer", "bon")


def method_label(method: str) -> str:
    return {"cash": _("Tunai"), "qris": _("QRIS"), "transfer": _("Transfer"),
            "bon": _("Bon"), "deposit": _("Uang muka (DP)")}.get(method, method)


@dataclass(frozen=True)
class Shift:
    id: str
    number: str
    till: str
    user_id: str
    opened_at: str
    opening_float: int
    closed_at: str | None = None
    counted_cash: int | None = None
    over_short: int | None = None


@dataclass(frozen=True)
class ShiftSummary:
    shift: Shift
    cashier: str
    sales: int                     # number of sales
    returns: int                   # number of returns and voids
    gross_sales: int
    refunds: int                   # rupiah given back (positive)
    by_method: tuple[tuple[str, int], ...]   # net per payment method
    cash_in: int
    cash_out: int                  # positive
    expected_cash: int
    counted_cash: int | None = None
    over_short: int | None = None


def _shift(row) -> Shift:
    return Shift(row["id"], row["number"], row["till"], row["user_id"], row["opened_at"],
                 row["opening_float"], row["closed_at"], row["counted_cash"], row["over_short"])


def open_shift_for(db: Database, till: str) -> Shift | None:
    row = db.one("SELECT * FROM shifts WHERE till = ? AND closed_at IS NULL", (till,))
    return _shift(row) if row else None


def get_shift(db: Database, shift_id: str) -> Shift:
    row = db.one("SELECT * FROM shifts WHERE id = ?", (shift_id,))
    if row is None:
        raise UserError(_("Shift tidak ditemukan."))
    return _shift(row)


def open_shift(db: Database, *, user: User, till: str, opening_float) -> Shift:
    require(user, "sale.sell")
    opening = parse_rupiah(opening_float, field="opening_float", what=_("Modal awal laci"),
                           maximum=100_000_000)
    with db.atomic():
        current = open_shift_for(db, till)
        if current is not None:
            owner = get_user(db, current.user_id)
            raise UserError(_("Shift {number} milik {name} masih terbuka di {till}; tutup dulu.")
                            .format(number=current.number, name=owner.full_name if owner else "?",
                                    till=till))
        settings = get_settings(db)
        at = now_iso()
        number = next_document_number(db, kind="shift", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone), marker="S")
        shift_id = new_id()
        db.execute("INSERT INTO shifts(id, number, till, user_id, opened_at, opening_float)"
                   " VALUES (?, ?, ?, ?, ?, ?)", (shift_id, number, till, user.id, at, opening))
        audit.record(db, user_id=user.id, action="shift.open", entity="shift", entity_id=shift_id,
                     detail={"till": till, "float": opening})
        return get_shift(db, shift_id)


def _may_run(user: User, shift: Shift) -> None:
    if shift.user_id != user.id and not can(user, "sale.approve"):
        raise PermissionDenied(_("Shift {number} milik kasir lain.").format(number=shift.number))


def cash_in_out(db: Database, *, user: User, till: str, amount, reason: str,
                account: str = "1102", doc_type: str | None = None,
                doc_id: str | None = None) -> None:
    """Cash put into (+) or taken out of (−) the drawer during a shift, with a reason.

    ``account`` is where the money comes from or goes in the books: the treasurer's cash
    (1102) unless the cash is a member's savings, a bon repayment or a pre-order deposit,
    which name their document."""
    require(user, "sale.sell")
    value = parse_rupiah(amount, field="amount", what=_("Jumlah kas"), allow_negative=True,
                         allow_zero=False, maximum=100_000_000)
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan kas masuk/keluar harus diisi."), "reason")
    with db.atomic():
        shift = _require_open(db, till)
        _may_run(user, shift)
        if value < 0 and -value > shift_summary(db, shift.id).expected_cash:
            raise UserError(_("Uang di laci tidak cukup untuk dikeluarkan."), "amount")
        db.execute("INSERT INTO shift_cash(id, shift_id, amount, reason, user_id, created_at,"
                   " account, doc_type, doc_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (new_id(), shift.id, value, reason[:200], user.id, now_iso(), account,
                    doc_type, doc_id))
        audit.record(db, user_id=user.id, action="shift.cash", entity="shift", entity_id=shift.id,
                     detail={"amount": value, "reason": reason[:200]})


def _require_open(db: Database, till: str) -> Shift:
    shift = open_shift_for(db, till)
    if shift is None:
        raise UserError(_("Belum ada shift yang dibuka di {till}. Buka shift dengan modal awal"
                          " laci terlebih dahulu.").format(till=till))
    return shift


def require_open_shift(db: Database, *, user: User, till: str) -> Shift:
    shift = _require_open(db, till)
    _may_run(user, shift)
    return shift


def shift_summary(db: Database, shift_id: str) -> ShiftSummary:
    shift = get_shift(db, shift_id)
    counts = db.one(
        "SELECT sum(kind = 'sale') AS sales, sum(kind <> 'sale') AS returns,"
        " coalesce(sum(CASE WHEN kind = 'sale' THEN total END), 0) AS gross,"
        " coalesce(-sum(CASE WHEN kind <> 'sale' THEN total END), 0) AS refunds"
        " FROM sales WHERE shift_id = ?", (shift_id,))
    by_method = dict.fromkeys(METHODS, 0)
    for row in db.query("SELECT p.method, sum(p.amount) FROM payments p JOIN sales s"
                        " ON s.id = p.sale_id WHERE s.shift_id = ? GROUP BY p.method",
                        (shift_id,)):
        by_method[row[0]] = row[1]
    cash = db.one("SELECT coalesce(sum(CASE WHEN amount > 0 THEN amount END), 0) AS cash_in,"
                  " coalesce(-sum(CASE WHEN amount < 0 THEN amount END), 0) AS cash_out"
                  " FROM shift_cash WHERE shift_id = ?", (shift_id,))
    expected = shift.opening_float + by_method["cash"] + cash["cash_in"] - cash["cash_out"]
    user = get_user(db, shift.user_id)
    return ShiftSummary(shift, user.full_name if user else "", counts["sales"] or 0,
                        counts["returns"] or 0, counts["gross"], counts["refunds"],
                        tuple(by_method.items()), cash["cash_in"], cash["cash_out"], expected,
                        shift.counted_cash, shift.over_short)


def count_total(counts: dict[int, int]) -> int:
    """What a drawer count by denomination adds up to; refuses odd notes and negative counts."""
    total = 0
    for denomination, pieces in counts.items():
        if denomination not in DENOMINATIONS:
            raise UserError(_("Pecahan {d} tidak dikenal.").format(d=denomination))
        if not isinstance(pieces, int) or isinstance(pieces, bool) or not 0 <= pieces <= 100_000:
            raise UserError(_("Jumlah lembar/keping tidak valid untuk pecahan {d}.").format(
                d=denomination))
        total += denomination * pieces
    if total > MAX_RUPIAH:
        raise UserError(_("Jumlah hitungan terlalu besar."))
    return total


def close_shift(db: Database, *, user: User, till: str, counts: dict[int, int]) -> ShiftSummary:
    """Z report: count the drawer, record expected vs counted and the over/short, close."""
    require(user, "sale.sell")
    counted = count_total(counts)
    with db.atomic():
        shift = _require_open(db, till)
        _may_run(user, shift)
        summary = shift_summary(db, shift.id)
        over_short = counted - summary.expected_cash
        db.execute("UPDATE shifts SET closed_at = ?, closed_by = ?, expected_cash = ?,"
                   " counted_cash = ?, over_short = ?, count_detail = ? WHERE id = ?",
                   (now_iso(), user.id, summary.expected_cash, counted, over_short,
                    json.dumps({str(k): v for k, v in sorted(counts.items())}), shift.id))
        audit.record(db, user_id=user.id, action="shift.close", entity="shift",
                     entity_id=shift.id, detail={"expected": summary.expected_cash,
                                                 "counted": counted, "over_short": over_short})
        return shift_summary(db, shift.id)
