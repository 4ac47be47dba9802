"""Settling with the producers: for a period, per consignor, what sold, the commission, what
is due, less what customers brought back; the payment; the consignor's account over time.

A settlement takes every unsettled consignment movement of the consignor up to the end of
its period (sales, customer returns, count charges) and links each one to it; a movement
can be linked once (the primary key of ``consignment_settlement_lines``), so nothing is paid
twice and a settled line never changes. The consignor's account (``consignor_movements``)
is + settlement, − payment, with a balance kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import _
from app.models import audit
from app.models.clock import local_date, now_iso
from app.models.consignment import _number
from app.models.consignors import format_commission, get_consignor, pay_method_label
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id
from app.models.money import QTY_SCALE, div_round_half_up, format_rupiah
from app.models.payables import PaymentInput, check_payment
from app.models.settings import get_settings, shop_today
from app.models.stock_views import day_bounds
from app.models.users import User, require

#: Movements a settlement pays for: what sold, what customers brought back, count charges.
SETTLED_KINDS = ("sale", "sale_return", "count")


def kind_label(kind: str) -> str:
    return {"sale": _("Terjual"), "sale_return": _("Retur pembeli"),
            "count": _("Selisih hitung"), "settlement": _("Penyelesaian"),
            "payment": _("Pembayaran")}[kind]


@dataclass(frozen=True)
class SettlementLine:
    movement_id: str
    at: str
    kind: str
    document: str       # the sale or return number, or the count's
    product_name: str
    unit: str
    batch_code: str
    qty: int            # base thousandths sold (+) or brought back (−); count: the shortage
    gross: int
    due: int


@dataclass(frozen=True)
class Settlement:
    id: str | None      # None while it is a preview
    number: str
    consignor_id: str
    consignor_name: str
    period_from: date
    period_to: date
    lines: tuple[SettlementLine, ...]
    previous_balance: int   # settled earlier and not yet paid (negative: paid ahead)
    created_at: str = ""
    paid: int = 0           # paid against this settlement

    @property
    def sold_qty(self) -> int:
        return sum(line.qty for line in self.lines if line.kind != "count")

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines if line.kind != "count")

    @property
    def producer_sales(self) -> int:
        """The producer's share of what sold."""
        return sum(line.due for line in self.lines if line.kind != "count")

    @property
    def commission(self) -> int:
        return self.gross - self.producer_sales

    @property
    def count_charges(self) -> int:
        """Count shortages the shop pays for (or surpluses it takes back)."""
        return sum(line.due for line in self.lines if line.kind == "count")

    @property
    def due(self) -> int:
        return self.producer_sales + self.count_charges

    @property
    def to_pay(self) -> int:
        return self.previous_balance + self.due


_LINES = (
    "SELECT m.id, m.created_at, m.kind,"
    " coalesce(s.number, c.number, '') AS document, p.name, p.base_unit, b.batch_code,"
    " -m.qty, m.gross, m.due"
    " FROM consignment_movements m JOIN products p ON p.id = m.product_id"
    " JOIN consignment_batches b ON b.id = m.batch_id"
    " LEFT JOIN sales s ON m.doc_type IN ('sale', 'return') AND s.id = m.doc_id"
    " LEFT JOIN consignment_counts c ON m.doc_type = 'consignment_count' AND c.id = m.doc_id")


def _line(r) -> SettlementLine:
    return SettlementLine(*r)


def last_settlement(db: Database, consignor_id: str):
    return db.one("SELECT id, number, period_from, period_to FROM consignment_settlements"
                  " WHERE consignor_id = ? ORDER BY period_to DESC, created_at DESC LIMIT 1",
                  (consignor_id,))


def default_period(db: Database, consignor_id: str) -> tuple[date, date]:
    """The next period to settle: from the day after the last settlement (or the first
    movement) through the end of the consignor's period, no later than today."""
    consignor = get_consignor(db, consignor_id)
    today = shop_today(db)
    last = last_settlement(db, consignor_id)
    if last is not None:
        start = date.fromisoformat(last["period_to"]) + timedelta(days=1)
    else:
        first = db.scalar("SELECT min(created_at) FROM consignment_movements"
                          " WHERE consignor_id = ?", (consignor_id,))
        start = local_date(first, get_settings(db).zone) if first else today
    start = min(start, today)
    if consignor.period == "weekly":
        end = start + timedelta(days=6)
    elif consignor.period == "biweekly":
        end = start + timedelta(days=13)
    else:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = following - timedelta(days=1)
    return start, min(end, today)


def _check_period(db: Database, consignor_id: str, period_from: date, period_to: date) -> None:
    for day in (period_from, period_to):
        if not isinstance(day, date):
            raise UserError(_("Tanggal periode tidak valid."), "period")
    if period_from > period_to:
        raise UserError(_("Tanggal awal sesudah tanggal akhir."), "period_from")
    if period_to > shop_today(db):
        raise UserError(_("Periode belum berakhir: tanggal akhir sesudah hari ini."), "period_to")
    last = last_settlement(db, consignor_id)
    if last is not None and period_from <= date.fromisoformat(last["period_to"]):
        raise UserError(_("Periode sampai {day} sudah diselesaikan (nota {number}); mulai dari"
                          " {next}.").format(
                              day=last["period_to"], number=last["number"],
                              next=(date.fromisoformat(last["period_to"])
                                    + timedelta(days=1)).isoformat()), "period_from")


def preview_settlement(db: Database, consignor_id: str, *, period_from: date | None = None,
                       period_to: date | None = None) -> Settlement:
    """What a settlement of the period would hold: every unsettled sale, customer return
    and count charge of the consignor up to the end of ``period_to``."""
    consignor = get_consignor(db, consignor_id)
    start, end = default_period(db, consignor_id)
    period_from, period_to = period_from or start, period_to or end
    _check_period(db, consignor_id, period_from, period_to)
    _start, until = day_bounds(db, None, period_to)
    lines = tuple(_line(r) for r in db.query(
        f"{_LINES} WHERE m.consignor_id = ? AND m.kind IN {SETTLED_KINDS}"
        " AND m.created_at < ? AND NOT EXISTS (SELECT 1 FROM consignment_settlement_lines l"
        " WHERE l.movement_id = m.id) ORDER BY m.created_at, m.rowid", (consignor_id, until)))
    return Settlement(None, "", consignor_id, consignor.name, period_from, period_to, lines,
                      consignor.balance)


def settle(db: Database, *, user: User, consignor_id: str, period_from: date | None = None,
           period_to: date | None = None, expected_due: int | None = None,
           payment: PaymentInput | None = None, note: str = "") -> str:
    """Settle a period (and, with ``payment``, pay in the same transaction). ``expected_due``
    is the amount the treasurer saw in the preview: if a sale came in since, the settlement
    is refused rather than paying a sum nobody looked at. Returns the settlement's id."""
    require(user, "consignment.settle")
    with db.atomic():
        preview = preview_settlement(db, consignor_id, period_from=period_from,
                                     period_to=period_to)
        if not preview.lines:
            raise UserError(_("Tidak ada penjualan titipan {name} yang belum diselesaikan sampai"
                              " {day}.").format(name=preview.consignor_name,
                                                day=preview.period_to.isoformat()))
        if expected_due is not None and expected_due != preview.due:
            raise UserError(_("Ada transaksi baru sejak pratinjau: jumlah sekarang {now}, bukan"
                              " {seen}. Periksa lagi.").format(
                                  now=format_rupiah(preview.due), seen=format_rupiah(expected_due)))
        at = now_iso()
        settlement_id = new_id()
        number = _number(db, "consignment_settlement", "Y", at)
        db.execute(
            "INSERT INTO consignment_settlements(id, number, consignor_id, period_from, period_to,"
            " sold_qty, gross, commission, due, note, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (settlement_id, number, consignor_id, preview.period_from.isoformat(),
             preview.period_to.isoformat(), preview.sold_qty, preview.gross,
             preview.commission, preview.due, " ".join(str(note or "").split())[:200],
             user.id, at))
        db.executemany("INSERT INTO consignment_settlement_lines(movement_id, settlement_id)"
                       " VALUES (?, ?)", [(line.movement_id, settlement_id)
                                          for line in preview.lines])
        _account(db, consignor_id=consignor_id, kind="settlement", amount=preview.due,
                 doc_type="consignment_settlement", doc_id=settlement_id, user_id=user.id, at=at)
        audit.record(db, user_id=user.id, action="consignment.settle", entity="consignor",
                     entity_id=consignor_id, detail={
                         "number": number, "from": preview.period_from.isoformat(),
                         "to": preview.period_to.isoformat(), "gross": preview.gross,
                         "commission": preview.commission, "due": preview.due,
                         "lines": len(preview.lines)})
        if payment is not None:
            _pay(db, user=user, consignor_id=consignor_id, payment=payment,
                 settlement_id=settlement_id)
        return settlement_id


def _account(db: Database, *, consignor_id: str, kind: str, amount: int, doc_type: str,
             doc_id: str, user_id: str, at: str) -> None:
    db.execute("INSERT INTO consignor_movements(id, consignor_id, kind, amount, doc_type, doc_id,"
               " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (new_id(), consignor_id, kind, amount, doc_type, doc_id, user_id, at))
    db.execute("INSERT INTO consignor_balances(consignor_id, balance) VALUES (?, ?)"
               " ON CONFLICT(consignor_id) DO UPDATE SET balance = balance + excluded.balance",
               (consignor_id, amount))


def pay_consignor(db: Database, *, user: User, consignor_id: str, payment: PaymentInput,
                  settlement_id: str | None = None) -> str:
    """Pay a producer what was settled (cash, or a transfer with its reference)."""
    require(user, "consignment.settle")
    with db.atomic():
        return _pay(db, user=user, consignor_id=consignor_id, payment=payment,
                    settlement_id=settlement_id)


def _pay(db: Database, *, user: User, consignor_id: str, payment: PaymentInput,
         settlement_id: str | None) -> str:
    value, reference = check_payment(payment)
    consignor = get_consignor(db, consignor_id)
    if value > consignor.balance:
        raise UserError(_("Pembayaran {amount} melebihi yang harus dibayar ke {name}: {owed}.")
                        .format(amount=format_rupiah(value), name=consignor.name,
                                owed=format_rupiah(max(consignor.balance, 0))), "amount")
    if settlement_id is not None and db.scalar(
            "SELECT consignor_id FROM consignment_settlements WHERE id = ?",
            (settlement_id,)) != consignor_id:
        raise NotFound(_("Nota penyelesaian tidak ditemukan."))
    at = now_iso()
    payment_id = new_id()
    number = _number(db, "consignor_payment", "Z", at)
    db.execute("INSERT INTO consignor_payments(id, number, consignor_id, settlement_id, amount,"
               " method, reference, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (payment_id, number, consignor_id, settlement_id, value, payment.method,
                reference, user.id, at))
    _account(db, consignor_id=consignor_id, kind="payment", amount=-value,
             doc_type="consignor_payment", doc_id=payment_id, user_id=user.id, at=at)
    audit.record(db, user_id=user.id, action="consignment.pay", entity="consignor",
                 entity_id=consignor_id, detail={"number": number, "amount": value,
                                                 "method": payment.method,
                                                 "reference": reference})
    return payment_id


# --- reading settlements and the account ---------------------------------------------------


def get_settlement(db: Database, settlement_id: str) -> Settlement:
    row = db.one("SELECT s.*, c.name FROM consignment_settlements s"
                 " JOIN consignors c ON c.id = s.consignor_id WHERE s.id = ?", (settlement_id,))
    if row is None:
        raise NotFound(_("Nota penyelesaian tidak ditemukan."))
    lines = tuple(_line(r) for r in db.query(
        f"{_LINES} JOIN consignment_settlement_lines l ON l.movement_id = m.id"
        " WHERE l.settlement_id = ? ORDER BY m.created_at, m.rowid", (settlement_id,)))
    previous = db.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_movements"
                         " WHERE consignor_id = ? AND rowid < (SELECT rowid FROM"
                         " consignor_movements WHERE doc_id = ? AND kind = 'settlement')",
                         (row["consignor_id"], settlement_id))
    paid = db.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_payments"
                     " WHERE settlement_id = ?", (settlement_id,))
    return Settlement(row["id"], row["number"], row["consignor_id"], row["name"],
                      date.fromisoformat(row["period_from"]), date.fromisoformat(row["period_to"]),
                      lines, previous, row["created_at"], paid)


@dataclass(frozen=True)
class SettlementRow:
    id: str
    number: str
    consignor_id: str
    consignor_name: str
    period_from: str
    period_to: str
    gross: int
    commission: int
    due: int
    paid: int
    created_at: str


def list_settlements(db: Database, *, consignor_id: str | None = None, limit: int = 200
                     ) -> list[SettlementRow]:
    """Settlements, newest first. ``paid`` is how much of each is paid: every payment to the
    consignor (at the settlement or later) goes to the oldest unpaid settlement first, and a
    settlement that came out negative (more brought back than sold) counts as paid in."""
    where = " WHERE s.consignor_id = ?" if consignor_id else ""
    rows = db.query(
        "SELECT s.id, s.number, s.consignor_id, c.name, s.period_from, s.period_to, s.gross,"
        " s.commission, s.due, s.created_at FROM consignment_settlements s"
        f" JOIN consignors c ON c.id = s.consignor_id{where} ORDER BY s.created_at, s.rowid",
        [consignor_id] if consignor_id else [])
    available = dict(db.query(
        "SELECT consignor_id, sum(amount) FROM consignor_payments"
        f"{where.replace('s.', '')} GROUP BY consignor_id", [consignor_id] if consignor_id else []))
    found = []
    for r in rows:
        left = available.get(r["consignor_id"], 0)
        if r["due"] <= 0:
            paid, left = 0, left - r["due"]
        else:
            paid = min(r["due"], left)
            left -= paid
        available[r["consignor_id"]] = left
        found.append(SettlementRow(r["id"], r["number"], r["consignor_id"], r["name"],
                                   r["period_from"], r["period_to"], r["gross"],
                                   r["commission"], r["due"], paid, r["created_at"]))
    return found[::-1][:limit]


@dataclass(frozen=True)
class AccountLine:
    at: str
    kind: str           # settlement / payment
    number: str
    amount: int         # + owed more, − paid
    balance: int
    period_from: str = ""   # a settlement's period (ISO days)
    period_to: str = ""
    method: str = ""        # a payment's cash / transfer and reference
    reference: str = ""

    @property
    def detail(self) -> str:
        """The settlement's period, or the payment's method and reference, in words."""
        if self.kind == "settlement":
            first, last = (date.fromisoformat(d).strftime("%d-%m-%Y")
                           for d in (self.period_from, self.period_to))
            return f"{first} – {last}"
        return " ".join(part for part in (pay_method_label(self.method), self.reference)
                        if part)


@dataclass(frozen=True)
class ConsignorStatement:
    consignor_id: str
    consignor_name: str
    opening: int
    lines: tuple[AccountLine, ...]
    closing: int
    unsettled: int      # sold since the last settlement, not yet settled


def statement(db: Database, consignor_id: str, *, since: str | None = None,
              until: str | None = None) -> ConsignorStatement:
    """The consignor's account between two UTC instants: opening balance, each settlement
    and payment with the running balance, closing; and what has sold but is not settled."""
    consignor = get_consignor(db, consignor_id)
    opening = db.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_movements"
                        " WHERE consignor_id = ? AND created_at < ?",
                        (consignor_id, since)) if since else 0
    rows = db.query(
        "SELECT m.created_at, m.kind, coalesce(s.number, p.number), m.amount,"
        " coalesce(s.period_from, ''), coalesce(s.period_to, ''), coalesce(p.method, ''),"
        " coalesce(p.reference, '') FROM consignor_movements m"
        " LEFT JOIN consignment_settlements s ON m.doc_type = 'consignment_settlement'"
        "   AND s.id = m.doc_id"
        " LEFT JOIN consignor_payments p ON m.doc_type = 'consignor_payment' AND p.id = m.doc_id"
        " WHERE m.consignor_id = ? AND m.created_at >= ? AND m.created_at < ?"
        " ORDER BY m.created_at, m.rowid", (consignor_id, since or "", until or "9999"))
    balance, lines = opening, []
    for at, kind, number, value, period_from, period_to, method, reference in rows:
        balance += value
        lines.append(AccountLine(at, kind, number, value, balance, period_from, period_to,
                                 method, reference))
    return ConsignorStatement(consignor_id, consignor.name, opening, tuple(lines), balance,
                              unsettled_due(db, consignor_id))


def unsettled_due(db: Database, consignor_id: str | None = None) -> int:
    """What the shop owes producers for goods sold but not yet settled."""
    where = " AND m.consignor_id = ?" if consignor_id else ""
    return db.scalar(
        "SELECT coalesce(sum(m.due), 0) FROM consignment_movements m"
        f" WHERE m.kind IN {SETTLED_KINDS}{where} AND NOT EXISTS"
        " (SELECT 1 FROM consignment_settlement_lines l WHERE l.movement_id = m.id)",
        [consignor_id] if consignor_id else [])


# --- the period by consignor ---------------------------------------------------------------


@dataclass(frozen=True)
class ConsignorSummary:
    consignor_id: str
    name: str
    village: str
    terms: str
    gross: int              # sold in the period, less customer returns
    producer_sales: int     # the producers' share of it
    count_charges: int      # count shortages the shop pays for
    settled: int            # settlements made in the period
    paid: int               # paid in the period
    balance: int            # settled and unpaid, now
    unsettled: int          # sold and not yet settled, now
    on_hand_value: int      # the producer's goods in the shop, at the shop price

    @property
    def commission(self) -> int:
        return self.gross - self.producer_sales


def consignor_summary(db: Database, date_from: date, date_to: date) -> list[ConsignorSummary]:
    """Each consignor's period: what sold, the commission, what was settled and paid, and
    what is owed and held now. Consignors with nothing in the period and nothing held or
    owed are left out."""
    since, until = day_bounds(db, date_from, date_to)
    rows = db.query(
        "WITH moved AS (SELECT consignor_id,"
        "   coalesce(sum(CASE WHEN kind IN ('sale', 'sale_return') THEN gross END), 0) AS gross,"
        "   coalesce(sum(CASE WHEN kind IN ('sale', 'sale_return') THEN due END), 0) AS share,"
        "   coalesce(sum(CASE WHEN kind = 'count' THEN due END), 0) AS charges"
        "   FROM consignment_movements WHERE created_at >= ? AND created_at < ?"
        "   GROUP BY consignor_id),"
        " account AS (SELECT consignor_id,"
        "   coalesce(sum(CASE WHEN kind = 'settlement' THEN amount END), 0) AS settled,"
        "   coalesce(-sum(CASE WHEN kind = 'payment' THEN amount END), 0) AS paid"
        "   FROM consignor_movements WHERE created_at >= ? AND created_at < ?"
        "   GROUP BY consignor_id),"
        " open AS (SELECT m.consignor_id, sum(m.due) AS unsettled FROM consignment_movements m"
        f"   WHERE m.kind IN {SETTLED_KINDS} AND NOT EXISTS (SELECT 1 FROM"
        "   consignment_settlement_lines l WHERE l.movement_id = m.id) GROUP BY m.consignor_id),"
        " held AS (SELECT l.consignor_id, sum(l.qty * b.shop_price) AS value"
        "   FROM consignment_balances l JOIN consignment_batches b ON b.id = l.batch_id"
        "   WHERE l.qty > 0 GROUP BY l.consignor_id)"
        " SELECT c.id, c.name, c.village, c.terms, c.commission_bp,"
        " coalesce(m.gross, 0), coalesce(m.share, 0), coalesce(m.charges, 0),"
        " coalesce(a.settled, 0), coalesce(a.paid, 0), coalesce(bal.balance, 0),"
        " coalesce(o.unsettled, 0), coalesce(h.value, 0)"
        " FROM consignors c LEFT JOIN moved m ON m.consignor_id = c.id"
        " LEFT JOIN account a ON a.consignor_id = c.id"
        " LEFT JOIN consignor_balances bal ON bal.consignor_id = c.id"
        " LEFT JOIN open o ON o.consignor_id = c.id LEFT JOIN held h ON h.consignor_id = c.id"
        " ORDER BY c.name COLLATE NOCASE", (since, until, since, until))
    found = []
    for r in rows:
        terms = (_("Harga tetap") if r[3] == "fixed"
                 else _("Komisi {percent}").format(percent=format_commission(r[4])))
        # Quantities are thousandths: the value held is rounded to the rupiah once.
        summary = ConsignorSummary(r[0], r[1], r[2], terms, *r[5:12],
                                   div_round_half_up(r[12], QTY_SCALE))
        if any((summary.gross, summary.count_charges, summary.settled, summary.paid,
                summary.balance, summary.unsettled, summary.on_hand_value)):
            found.append(summary)
    return found
