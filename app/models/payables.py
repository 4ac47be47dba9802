"""What the shop owes its distributors: supplier invoices, payments, aging and statements.

The payable is a ledger (``payable_movements``: + invoice, − payment) with a balance per
supplier kept in the same transaction; ``gerai check`` proves them equal. An invoice is open
for its amount less the payments made against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import _
from app.models import audit
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id, next_document_number
from app.models.money import format_rupiah, parse_rupiah
from app.models.settings import get_settings
from app.models.users import User, require

METHODS = ("cash", "transfer")
#: Aging buckets by days past the due date: not yet due, 1–30, 31–60, 61–90, more than 90.
BUCKETS = ("current", "d30", "d60", "d90", "over90")


def bucket_label(bucket: str) -> str:
    return {
        "current": _("Belum jatuh tempo"),
        "d30": _("1–30 hari"),
        "d60": _("31–60 hari"),
        "d90": _("61–90 hari"),
        "over90": _("> 90 hari"),
    }[bucket]


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "d30"
    if days_overdue <= 60:
        return "d60"
    if days_overdue <= 90:
        return "d90"
    return "over90"


@dataclass(frozen=True)
class PaymentInput:
    amount: object
    method: str = "cash"
    reference: str = ""


def check_payment(payment: PaymentInput) -> tuple[int, str]:
    """The amount and the reference of money paid out by cash or transfer (a transfer
    needs the reference on its slip), or why it cannot be."""
    if payment.method not in METHODS:
        raise UserError(_("Cara bayar tidak dikenal."), "method")
    value = parse_rupiah(payment.amount, field="amount", what=_("Jumlah bayar"),
                         allow_zero=False)
    reference = " ".join(str(payment.reference or "").split())
    if payment.method == "transfer" and not reference:
        raise UserError(_("Transfer bank perlu nomor referensi dari bukti transfer."),
                        "reference")
    if len(reference) > 60:
        raise UserError(_("Nomor referensi terlalu panjang (paling banyak 60)."), "reference")
    return value, reference


def _move(db: Database, *, supplier_id: str, amount: int, kind: str, doc_type: str,
          doc_id: str, user_id: str | None) -> None:
    db.execute(
        "INSERT INTO payable_movements(id, supplier_id, amount, kind, doc_type, doc_id, user_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), supplier_id, amount, kind, doc_type, doc_id, user_id, now_iso()))
    db.execute("INSERT INTO supplier_balances(supplier_id, balance) VALUES (?, ?)"
               " ON CONFLICT(supplier_id) DO UPDATE SET balance = balance + excluded.balance",
               (supplier_id, amount))


def record_invoice(db: Database, *, user: User, supplier, receipt_id: str | None,
                   invoice_no: str, amount: int, invoice_date: date) -> str:
    """A supplier invoice (faktur) due after the supplier's terms; inside a goods receipt."""
    assert db.in_transaction and amount > 0
    settings = get_settings(db)
    at = now_iso()
    invoice_id = new_id()
    number = next_document_number(db, kind="invoice", shop_code=settings.shop_code,
                                  day=local_date(at, settings.zone), marker="F")
    due = invoice_date + timedelta(days=supplier.terms_days)
    db.execute(
        "INSERT INTO supplier_invoices(id, number, supplier_id, receipt_id, invoice_no, amount,"
        " invoice_date, due_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (invoice_id, number, supplier.id, receipt_id, invoice_no, amount,
         invoice_date.isoformat(), due.isoformat(), at))
    _move(db, supplier_id=supplier.id, amount=amount, kind="invoice", doc_type="invoice",
          doc_id=invoice_id, user_id=user.id)
    return invoice_id


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str
    supplier_id: str
    supplier_name: str
    invoice_no: str
    receipt_number: str | None
    amount: int
    paid: int
    invoice_date: str
    due_date: str

    @property
    def open(self) -> int:
        return self.amount - self.paid

    def days_overdue(self, today: date) -> int:
        return (today - date.fromisoformat(self.due_date)).days


_INVOICES = (
    "SELECT i.id, i.number, i.supplier_id, s.name, i.invoice_no, r.number, i.amount,"
    " coalesce((SELECT sum(p.amount) FROM supplier_payments p WHERE p.invoice_id = i.id), 0),"
    " i.invoice_date, i.due_date FROM supplier_invoices i"
    " JOIN suppliers s ON s.id = i.supplier_id"
    " LEFT JOIN goods_receipts r ON r.id = i.receipt_id")


def get_invoice(db: Database, invoice_id: str) -> Invoice:
    row = db.one(f"{_INVOICES} WHERE i.id = ?", (invoice_id,))
    if row is None:
        raise NotFound(_("Faktur pemasok tidak ditemukan."))
    return Invoice(*row)


def invoices(db: Database, *, supplier_id: str | None = None, open_only: bool = False
             ) -> list[Invoice]:
    where = " WHERE i.supplier_id = ?" if supplier_id else ""
    found = [Invoice(*r) for r in db.query(
        f"{_INVOICES}{where} ORDER BY i.due_date, i.number", [supplier_id] if supplier_id else [])]
    return [i for i in found if i.open > 0] if open_only else found


def record_payment(db: Database, *, user: User, supplier_id: str, invoice_id: str,
                   payment: PaymentInput) -> str:
    """Pay (part of) one invoice; part of the caller's transaction."""
    assert db.in_transaction
    value, reference = check_payment(payment)
    invoice = get_invoice(db, invoice_id)
    if invoice.supplier_id != supplier_id:
        raise UserError(_("Faktur {number} milik pemasok lain.").format(number=invoice.number))
    if value > invoice.open:
        raise UserError(_("Pembayaran {amount} melebihi sisa faktur {number}: {left}.").format(
            amount=format_rupiah(value), number=invoice.number,
            left=format_rupiah(invoice.open)), "amount")
    settings = get_settings(db)
    at = now_iso()
    payment_id = new_id()
    number = next_document_number(db, kind="supplier_payment", shop_code=settings.shop_code,
                                  day=local_date(at, settings.zone), marker="B")
    db.execute(
        "INSERT INTO supplier_payments(id, number, supplier_id, invoice_id, amount, method,"
        " reference, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (payment_id, number, supplier_id, invoice_id, value, payment.method, reference,
         user.id, at))
    _move(db, supplier_id=supplier_id, amount=-value, kind="payment",
          doc_type="supplier_payment", doc_id=payment_id, user_id=user.id)
    audit.record(db, user_id=user.id, action="payable.pay", entity="supplier_invoice",
                 entity_id=invoice_id, detail={"number": number, "amount": value,
                                               "method": payment.method,
                                               "reference": reference})
    return payment_id


def pay_invoice(db: Database, *, user: User, invoice_id: str, payment: PaymentInput) -> str:
    require(user, "payable.pay")
    with db.atomic():
        invoice = get_invoice(db, invoice_id)
        return record_payment(db, user=user, supplier_id=invoice.supplier_id,
                              invoice_id=invoice_id, payment=payment)


def pay_supplier(db: Database, *, user: User, supplier_id: str, payment: PaymentInput
                 ) -> list[str]:
    """One payment spread over the supplier's open invoices, the oldest due first."""
    require(user, "payable.pay")
    value = parse_rupiah(payment.amount, field="amount", what=_("Jumlah bayar"),
                         allow_zero=False)
    with db.atomic():
        open_invoices = invoices(db, supplier_id=supplier_id, open_only=True)
        owed = sum(i.open for i in open_invoices)
        if value > owed:
            raise UserError(_("Pembayaran {amount} melebihi utang ke pemasok ini: {owed}.")
                            .format(amount=format_rupiah(value), owed=format_rupiah(owed)),
                            "amount")
        paid, left = [], value
        for invoice in open_invoices:
            if not left:
                break
            part = min(left, invoice.open)
            paid.append(record_payment(
                db, user=user, supplier_id=supplier_id, invoice_id=invoice.id,
                payment=PaymentInput(part, payment.method, payment.reference)))
            left -= part
        return paid


# --- aging and statements ---------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    supplier_id: str
    supplier_name: str
    buckets: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def aging(db: Database, today: date) -> list[AgingRow]:
    """Open invoice amounts per supplier by how long past due they are on ``today``."""
    rows: dict[str, AgingRow] = {}
    for invoice in invoices(db, open_only=True):
        row = rows.setdefault(invoice.supplier_id, AgingRow(
            invoice.supplier_id, invoice.supplier_name, dict.fromkeys(BUCKETS, 0)))
        row.buckets[bucket_of(invoice.days_overdue(today))] += invoice.open
    return sorted(rows.values(), key=lambda r: r.supplier_name.lower())


@dataclass(frozen=True)
class StatementLine:
    at: str
    kind: str          # invoice / payment
    number: str
    reference: str
    amount: int        # + owed more, − paid
    balance: int


@dataclass(frozen=True)
class Statement:
    supplier_id: str
    supplier_name: str
    opening: int
    lines: tuple[StatementLine, ...]
    closing: int


def statement(db: Database, supplier_id: str, *, since: str | None = None,
              until: str | None = None) -> Statement:
    """The supplier's account between two UTC instants: opening, each invoice and payment
    with the running balance, closing."""
    name = db.scalar("SELECT name FROM suppliers WHERE id = ?", (supplier_id,))
    if name is None:
        raise NotFound(_("Pemasok tidak ditemukan."))
    opening = db.scalar("SELECT coalesce(sum(amount), 0) FROM payable_movements"
                        " WHERE supplier_id = ? AND created_at < ?",
                        (supplier_id, since or "")) if since else 0
    rows = db.query(
        "SELECT m.created_at, m.kind, m.amount,"
        " coalesce(i.number, p.number) AS number,"
        " coalesce(CASE WHEN m.kind = 'invoice' THEN i.invoice_no END,"
        "          p.method || CASE WHEN p.reference <> '' THEN ' ' || p.reference ELSE '' END,"
        "          '') AS reference"
        " FROM payable_movements m"
        " LEFT JOIN supplier_invoices i ON m.doc_type = 'invoice' AND i.id = m.doc_id"
        " LEFT JOIN supplier_payments p ON m.doc_type = 'supplier_payment' AND p.id = m.doc_id"
        " WHERE m.supplier_id = ? AND m.created_at >= ? AND m.created_at < ?"
        " ORDER BY m.id", (supplier_id, since or "", until or "9999"))
    balance, lines = opening, []
    for r in rows:
        balance += r["amount"]
        lines.append(StatementLine(r["created_at"], r["kind"], r["number"], r["reference"],
                                   r["amount"], balance))
    return Statement(supplier_id, name, opening, tuple(lines), balance)


def payable_mismatches(db: Database) -> list[tuple[str, int, int]]:
    """Suppliers whose balance differs from the sum of their movements."""
    return [(r[0], r[1], r[2]) for r in db.query(
        "WITH ledger AS (SELECT supplier_id, sum(amount) AS total FROM payable_movements"
        "                GROUP BY supplier_id)"
        " SELECT b.supplier_id, b.balance, coalesce(l.total, 0) FROM supplier_balances b"
        " LEFT JOIN ledger l ON l.supplier_id = b.supplier_id"
        " WHERE b.balance <> coalesce(l.total, 0)"
        " UNION ALL SELECT l.supplier_id, 0, l.total FROM ledger l"
        " WHERE NOT EXISTS (SELECT 1 FROM supplier_balances b"
        "                   WHERE b.supplier_id = l.supplier_id) AND l.total <> 0")]
