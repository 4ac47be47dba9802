"""A member's money: savings (simpanan pokok, wajib, sukarela) and bon repayments, taken at
the till (into the drawer of the open shift) or at the office (the treasurer's cash or the
bank). Every movement has a numbered receipt and is one transaction with its balance.

- Pokok: once on joining, the amount in the member settings (in parts if need be, never
  beyond it). Not withdrawable while a member.
- Wajib: monthly; paying ``months`` covers the oldest unpaid months from the month the
  member joined (and up to a year ahead). Not withdrawable while a member.
- Sukarela: any amount in; out only with the approval of a treasurer or manager, never
  beyond the balance.
- Bon repayment: never more than the member owes.

Money at the till goes through the drawer (:func:`app.models.shifts.cash_in_out`, naming
its account), so the shift's expected cash counts it; the books read drawer money from
there and office money from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models import audit, shifts
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.ids import document_number, new_id
from app.models.member_settings import get_member_settings
from app.models.members import Member, get_member, record_credit
from app.models.money import format_rupiah, parse_rupiah
from app.models.settings import get_settings, shop_today
from app.models.users import PermissionDenied, User, can, require

KINDS = ("pokok", "wajib", "sukarela")
#: Where each kind of savings sits in the books: pokok and wajib are the cooperative's
#: equity, sukarela a debt to the member.
ACCOUNTS = {"pokok": "3101", "wajib": "3102", "sukarela": "2103"}
METHODS = ("cash", "transfer")
MAX_AMOUNT = 100_000_000
MAX_MONTHS = 24


def kind_label(kind: str) -> str:
    return {"pokok": _("Simpanan pokok"), "wajib": _("Simpanan wajib"),
            "sukarela": _("Simpanan sukarela")}.get(kind, kind)


def method_label(method: str) -> str:
    return {"cash": _("Tunai"), "transfer": _("Transfer"), "qris": _("QRIS")}.get(method, method)


@dataclass(frozen=True)
class SavingsEntry:
    id: str
    number: str
    member_id: str
    kind: str
    amount: int           # + in, − out
    period: str           # YYYY-MM for wajib
    method: str
    reference: str
    note: str
    user_id: str
    approved_by: str | None
    created_at: str


@dataclass(frozen=True)
class MoneyReceipt:
    """What the member takes home: the entries of one visit and the balances after it."""

    member: Member
    title: str
    entries: tuple  # SavingsEntry or CreditPayment
    balances: dict[str, int]   # savings by kind, and "bon"
    created_at: str

    @property
    def total(self) -> int:
        return sum(e.amount for e in self.entries)

    @property
    def number(self) -> str:
        return self.entries[0].number if self.entries else ""


@dataclass(frozen=True)
class CreditPayment:
    id: str
    number: str
    member_id: str
    amount: int
    method: str
    reference: str
    user_id: str
    created_at: str
    kind: str = "bon"
    period: str = ""


def balances(db: Database, member_id: str) -> dict[str, int]:
    found = dict.fromkeys(KINDS, 0)
    found.update(dict(db.query("SELECT kind, balance FROM savings_balances WHERE member_id = ?",
                               (member_id,))))
    return found


def _receipt_balances(db: Database, member_id: str) -> dict[str, int]:
    found = balances(db, member_id)
    found["bon"] = get_member(db, member_id).balance
    return found


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def wajib_paid(db: Database, member_id: str) -> set[str]:
    return {r[0] for r in db.query(
        "SELECT period FROM savings_movements WHERE member_id = ? AND kind = 'wajib'"
        " GROUP BY period HAVING sum(amount) > 0", (member_id,))}


def wajib_unpaid(db: Database, member: Member, through: date) -> list[str]:
    """The months from the member's joining through ``through`` without wajib paid."""
    paid = wajib_paid(db, member.id)
    start = (member.joined_on or through.isoformat())[:7]
    periods, period = [], start
    while period <= _month(through):
        if period not in paid:
            periods.append(period)
        period = _next_month(period)
    return periods


def _where_money(db: Database, user: User, till: str | None) -> str | None:
    """The open shift at ``till`` (money into its drawer), or None for the office."""
    if till:
        require(user, "member.money")
        return shifts.require_open_shift(db, user=user, till=till).id
    require(user, "member.office")
    return None


def _check_reference(method: str, reference: str) -> str:
    if method not in METHODS:
        raise UserError(_("Cara bayar tidak dikenal."), "method")
    reference = " ".join((reference or "").split())[:60]
    if method == "transfer" and not reference:
        raise UserError(_("Transfer perlu nomor referensi dari slip atau mutasi bank."),
                        "reference")
    return reference


def _member_for_money(db: Database, member_id: str, *, paying_in: bool) -> Member:
    member = get_member(db, member_id)
    if paying_in and member.status == "left":
        raise UserError(_("{name} sudah keluar dari keanggotaan.").format(name=member.name),
                        "member")
    return member


def deposit(db: Database, *, user: User, member_id: str, kind: str, amount=None,
            months: int = 1, method: str = "cash", reference: str = "",
            till: str | None = None, note: str = "") -> MoneyReceipt:
    """Savings paid in: ``amount`` for pokok (default what is left of it) and sukarela;
    ``months`` of wajib at the monthly amount. One receipt, one transaction."""
    if kind not in KINDS:
        raise UserError(_("Jenis simpanan tidak dikenal."), "kind")
    settings = get_member_settings(db)
    reference = _check_reference(method, reference)
    with db.atomic():
        shift_id = _where_money(db, user, till)
        member = _member_for_money(db, member_id, paying_in=True)
        held = balances(db, member_id)
        rows: list[tuple[int, str]] = []   # (amount, period)
        if kind == "pokok":
            left = settings.pokok_amount - held["pokok"]
            if left <= 0:
                raise UserError(_("Simpanan pokok {name} sudah lunas.").format(
                    name=member.name), "kind")
            value = left if amount in (None, "") else parse_rupiah(
                amount, field="amount", what=_("Jumlah setoran"), maximum=MAX_AMOUNT,
                allow_zero=False)
            if value > left:
                raise UserError(_("Simpanan pokok tinggal {left}; setoran {amount} terlalu"
                                  " besar.").format(left=format_rupiah(left),
                                                    amount=format_rupiah(value)), "amount")
            rows.append((value, ""))
        elif kind == "wajib":
            if not isinstance(months, int) or isinstance(months, bool) or \
                    not 1 <= months <= MAX_MONTHS:
                raise UserError(_("Jumlah bulan simpanan wajib harus 1 sampai {n}.").format(
                    n=MAX_MONTHS), "months")
            if settings.wajib_amount <= 0:
                raise UserError(_("Besar simpanan wajib belum diatur."), "kind")
            today = shop_today(db)
            horizon = date(today.year + 1, today.month, 1)
            due = wajib_unpaid(db, member, horizon)
            if len(due) < months:
                raise UserError(_("Simpanan wajib hanya dapat dibayar sampai setahun ke"
                                  " depan ({n} bulan lagi).").format(n=len(due)), "months")
            rows.extend((settings.wajib_amount, period) for period in due[:months])
        else:
            rows.append((parse_rupiah(amount, field="amount", what=_("Jumlah setoran"),
                                      maximum=MAX_AMOUNT, allow_zero=False), ""))
        entries = [_write(db, user=user, member=member, kind=kind, amount=value,
                          period=period, method=method, reference=reference,
                          shift_id=shift_id, till=till, note=note, approved_by=None)
                   for value, period in rows]
        audit.record(db, user_id=user.id, action="savings.deposit", entity="member",
                     entity_id=member_id, detail={"kind": kind, "amount": sum(v for v, _p in rows),
                                                  "number": entries[0].number})
        return MoneyReceipt(member, _("Bukti setoran simpanan"), tuple(entries),
                            _receipt_balances(db, member_id), entries[0].created_at)


def withdraw(db: Database, *, user: User, member_id: str, amount, method: str = "cash",
             reference: str = "", till: str | None = None, approver: User | None = None,
             note: str = "") -> MoneyReceipt:
    """Sukarela paid out, approved by a treasurer or manager (the user, or ``approver``)."""
    reference = _check_reference(method, reference)
    value = parse_rupiah(amount, field="amount", what=_("Jumlah penarikan"), maximum=MAX_AMOUNT,
                         allow_zero=False)
    if can(user, "savings.approve"):
        approved = user
    elif approver is None:
        raise PermissionDenied(_("Penarikan simpanan sukarela perlu persetujuan bendahara"
                                 " atau manajer."))
    else:
        require(approver, "savings.approve")
        approved = approver
    with db.atomic():
        shift_id = _where_money(db, user, till)
        member = _member_for_money(db, member_id, paying_in=False)
        held = balances(db, member_id)["sukarela"]
        if value > held:
            raise UserError(_("Saldo sukarela {name} hanya {balance}.").format(
                name=member.name, balance=format_rupiah(held)), "amount")
        entry = _write(db, user=user, member=member, kind="sukarela", amount=-value, period="",
                       method=method, reference=reference, shift_id=shift_id, till=till,
                       note=note, approved_by=approved.id)
        audit.record(db, user_id=user.id, action="savings.withdraw", entity="member",
                     entity_id=member_id, detail={"amount": value, "number": entry.number,
                                                  "approved_by": approved.id})
        return MoneyReceipt(member, _("Bukti penarikan simpanan"), (entry,),
                            _receipt_balances(db, member_id), entry.created_at)


def _write(db: Database, *, user: User, member: Member, kind: str, amount: int, period: str,
           method: str, reference: str, shift_id: str | None, till: str | None, note: str,
           approved_by: str | None) -> SavingsEntry:
    at = now_iso()
    entry = SavingsEntry(new_id(), document_number(db, "savings", "SP", at), member.id, kind,
                         amount, period, method, reference, " ".join(note.split())[:200],
                         user.id, approved_by, at)
    db.execute("INSERT INTO savings_movements(id, number, member_id, kind, amount, period,"
               " method, reference, shift_id, note, user_id, approved_by, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (entry.id, entry.number, member.id, kind, amount, period, method, reference,
                shift_id, entry.note, user.id, approved_by, at))
    db.execute("INSERT INTO savings_balances(member_id, kind, balance) VALUES (?, ?, ?)"
               " ON CONFLICT(member_id, kind) DO UPDATE SET balance = balance + excluded.balance",
               (member.id, kind, amount))
    if shift_id and method == "cash":
        shifts.cash_in_out(db, user=user, till=till, amount=amount,
                           reason=f"{kind_label(kind)} {member.number} {entry.number}",
                           account=ACCOUNTS[kind], doc_type="savings", doc_id=entry.id)
    return entry


def savings_entries(db: Database, member_id: str, *, since: str | None = None,
                    until: str | None = None) -> list[SavingsEntry]:
    sql = ("SELECT id, number, member_id, kind, amount, period, method, reference, note,"
           " user_id, approved_by, created_at FROM savings_movements WHERE member_id = ?")
    params: list = [member_id]
    if since:
        sql += " AND created_at >= ?"
        params.append(since)
    if until:
        sql += " AND created_at < ?"
        params.append(until)
    return [SavingsEntry(*r) for r in db.query(sql + " ORDER BY created_at, number", params)]


def savings_totals(db: Database, *, until: str | None = None) -> dict[str, int]:
    """All members' savings by kind, at ``until`` (an ISO instant) or now."""
    found = dict.fromkeys(KINDS, 0)
    found.update(dict(db.query("SELECT kind, sum(amount) FROM savings_movements"
                               " WHERE created_at < coalesce(?, '9999') GROUP BY kind",
                               (until,))))
    return found


def savings_mismatches(db: Database) -> list[tuple[str, str, int, int]]:
    return [tuple(r) for r in db.query(
        "WITH ledger AS (SELECT member_id, kind, sum(amount) AS amount FROM savings_movements"
        "                GROUP BY member_id, kind)"
        " SELECT l.member_id, l.kind, coalesce(b.balance, 0), l.amount FROM ledger l"
        " LEFT JOIN savings_balances b ON b.member_id = l.member_id AND b.kind = l.kind"
        " WHERE coalesce(b.balance, 0) <> l.amount"
        " UNION ALL SELECT b.member_id, b.kind, b.balance, 0 FROM savings_balances b"
        " WHERE b.balance <> 0 AND NOT EXISTS (SELECT 1 FROM savings_movements m"
        "  WHERE m.member_id = b.member_id AND m.kind = b.kind)")]


# -- bon repayments -----------------------------------------------------------------------

CREDIT_METHODS = ("cash", "qris", "transfer")


def repay_credit(db: Database, *, user: User, member_id: str, amount, method: str = "cash",
                 reference: str = "", till: str | None = None) -> MoneyReceipt:
    """A member pays off bon (never more than they owe)."""
    if method not in CREDIT_METHODS:
        raise UserError(_("Cara bayar tidak dikenal."), "method")
    reference = " ".join((reference or "").split())[:60]
    if method in ("transfer", "qris") and not reference:
        raise UserError(_("Transfer dan QRIS perlu nomor referensi."), "reference")
    value = parse_rupiah(amount, field="amount", what=_("Jumlah pembayaran"),
                         allow_zero=False)
    with db.atomic():
        shift_id = _where_money(db, user, till)
        member = get_member(db, member_id)
        if value > member.balance:
            raise UserError(_("{name} hanya berutang {balance}.").format(
                name=member.name, balance=format_rupiah(max(member.balance, 0))), "amount")
        at = now_iso()
        payment = CreditPayment(new_id(), document_number(db, "credit_payment", "BB", at),
                                member_id, value, method, reference, user.id, at)
        db.execute("INSERT INTO credit_payments(id, number, member_id, amount, method,"
                   " reference, shift_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (payment.id, payment.number, member_id, value, method, reference, shift_id,
                    user.id, at))
        record_credit(db, user_id=user.id, member_id=member_id, amount=-value, kind="repayment",
                      doc_type="credit_payment", doc_id=payment.id)
        if shift_id and method == "cash":
            shifts.cash_in_out(db, user=user, till=till, amount=value,
                               reason=_("Bayar bon {member} {number}").format(
                                   member=member.number, number=payment.number),
                               account="1120", doc_type="credit_payment", doc_id=payment.id)
        audit.record(db, user_id=user.id, action="credit.repay", entity="member",
                     entity_id=member_id, detail={"amount": value, "number": payment.number,
                                                  "method": method})
        return MoneyReceipt(member, _("Bukti pembayaran bon"), (payment,),
                            _receipt_balances(db, member_id), at)


def oldest_open_days(db: Database, member_id: str) -> int:
    """How many days old the member's oldest unpaid bon is today (0 when none)."""
    from app.models.report_aging import open_charges

    zone_name = get_settings(db).zone
    left = open_charges((local_date(r[0], zone_name), r[1]) for r in db.query(
        "SELECT created_at, amount FROM member_credit_movements WHERE member_id = ?"
        " ORDER BY created_at, id", (member_id,)))
    if not left.charges:
        return 0
    return (shop_today(db) - left.charges[0][0]).days


def check_bon(db: Database, member: Member, amount: int) -> None:
    """Refuse new bon over the member's limit or while old bon is overdue."""
    if amount > member.credit_left:
        raise UserError(_("Bon {amount} melebihi sisa batas bon {name}: {left}.").format(
            amount=format_rupiah(amount), name=member.name,
            left=format_rupiah(max(member.credit_left, 0))), "amount")
    block = get_member_settings(db).credit_block_days
    if block and member.balance > 0:
        age = oldest_open_days(db, member.id)
        if age > block:
            raise UserError(_("{name} punya bon yang belum dibayar sejak {days} hari lalu"
                              " (batas {block} hari): lunasi dulu sebelum bon baru.").format(
                                  name=member.name, days=age, block=block), "amount")
