"""Suppliers (distributors): who the shop buys from, their terms, bank and what they supply.

A cooperative pays its distributors through a state bank, so the bank account is part of the
supplier; payment terms are cash (0 days) or *tempo* N days from the invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id
from app.models.users import User, require

MAX_DAYS = 365
_DIGITS = re.compile(r"^[0-9][0-9 .\-]{3,30}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")


@dataclass(frozen=True)
class SupplierInput:
    name: str
    contact: str = ""
    phone: str = ""
    address: str = ""
    bank_name: str = ""
    bank_account: str = ""
    bank_holder: str = ""
    terms_days: int = 0
    lead_days: int = 7
    note: str = ""


@dataclass(frozen=True)
class Supplier(SupplierInput):
    id: str = ""
    archived: bool = False
    balance: int = 0   # what the shop owes this supplier

    @property
    def terms_label(self) -> str:
        if not self.terms_days:
            return _("Tunai")
        return _("Tempo {n} hari").format(n=self.terms_days)


_FIELDS = ("name", "contact", "phone", "address", "bank_name", "bank_account", "bank_holder",
           "terms_days", "lead_days", "note")


def _days(text, key: str, what: str, problems: list[Problem], default: int) -> int:
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        text = (text or "").strip()
        if not text:
            return default
        if not text.isdigit() or len(text) > 4:
            problems.append(Problem(key, _("{what} harus bilangan bulat hari, mis. 30.").format(
                what=what)))
            return default
        value = int(text)
    if not 0 <= value <= MAX_DAYS:
        problems.append(Problem(key, _("{what} harus antara 0 dan {max} hari.").format(
            what=what, max=MAX_DAYS)))
        return default
    return value


def read_supplier_form(form: dict) -> SupplierInput:
    """A form's SupplierInput, or every problem with it at once."""
    problems: list[Problem] = []
    text = {k: (form.get(k) or "").strip() if isinstance(form.get(k) or "", str) else form[k]
            for k in _FIELDS}
    if not text["name"]:
        problems.append(Problem("name", _("Nama pemasok harus diisi.")))
    elif len(text["name"]) > 120:
        problems.append(Problem("name", _("Nama pemasok terlalu panjang (paling banyak 120).")))
    if text["phone"] and not _PHONE.match(text["phone"]):
        problems.append(Problem("phone", _("Nomor telepon tidak valid: \"{text}\".").format(
            text=text["phone"][:30])))
    if text["bank_account"] and not _DIGITS.match(text["bank_account"]):
        problems.append(Problem("bank_account", _("Nomor rekening hanya berisi angka.")))
    if text["bank_account"] and not text["bank_name"]:
        problems.append(Problem("bank_name", _("Nama bank harus diisi bersama nomor rekening.")))
    for key in ("contact", "address", "bank_name", "bank_holder", "note"):
        if len(text[key]) > 300:
            problems.append(Problem(key, _("Isian terlalu panjang (paling banyak 300 huruf).")))
    terms = _days(form.get("terms_days"), "terms_days", _("Tempo pembayaran"), problems, 0)
    lead = _days(form.get("lead_days"), "lead_days", _("Waktu tunggu kiriman"), problems, 7)
    if problems:
        raise ValidationError(problems)
    return SupplierInput(**{**text, "terms_days": terms, "lead_days": lead})


def _supplier(row) -> Supplier:
    return Supplier(**{k: row[k] for k in _FIELDS}, id=row["id"], archived=bool(row["archived"]),
                    balance=row["balance"])


_SELECT = ("SELECT s.*, coalesce(b.balance, 0) AS balance FROM suppliers s"
           " LEFT JOIN supplier_balances b ON b.supplier_id = s.id")


def get_supplier(db: Database, supplier_id: str) -> Supplier:
    row = db.one(f"{_SELECT} WHERE s.id = ?", (supplier_id,))
    if row is None:
        raise NotFound(_("Pemasok tidak ditemukan."))
    return _supplier(row)


def list_suppliers(db: Database, text: str = "", *, include_archived: bool = False
                   ) -> list[Supplier]:
    where, params = [], []
    if not include_archived:
        where.append("s.archived = 0")
    if text.strip():
        where.append("(s.name LIKE ? OR s.contact LIKE ? OR s.phone LIKE ?)")
        params += [f"%{text.strip()}%"] * 3
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [_supplier(r) for r in db.query(
        f"{_SELECT}{clause} ORDER BY s.archived, s.name COLLATE NOCASE", params)]


def _duplicate(db: Database, name: str, supplier_id: str | None) -> None:
    if db.scalar("SELECT 1 FROM suppliers WHERE name = ? COLLATE NOCASE AND id IS NOT ?",
                 (name, supplier_id)):
        raise ValidationError([Problem("name", _("Pemasok bernama {name} sudah ada.").format(
            name=name))])


def create_supplier(db: Database, *, user: User, data: SupplierInput) -> Supplier:
    require(user, "purchase.manage")
    data = read_supplier_form(data.__dict__)
    with db.atomic():
        _duplicate(db, data.name, None)
        supplier_id, at = new_id(), now_iso()
        db.execute(
            f"INSERT INTO suppliers(id, {', '.join(_FIELDS)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' * len(_FIELDS))}, ?, ?)",
            (supplier_id, *(getattr(data, k) for k in _FIELDS), at, at))
        audit.record(db, user_id=user.id, action="supplier.create", entity="supplier",
                     entity_id=supplier_id, detail={"name": data.name})
    return get_supplier(db, supplier_id)


def update_supplier(db: Database, *, user: User, supplier_id: str, data: SupplierInput
                    ) -> Supplier:
    require(user, "purchase.manage")
    data = read_supplier_form(data.__dict__)
    with db.atomic():
        before = get_supplier(db, supplier_id)
        _duplicate(db, data.name, supplier_id)
        db.execute(
            f"UPDATE suppliers SET {', '.join(f'{k} = ?' for k in _FIELDS)}, updated_at = ?"
            " WHERE id = ?", (*(getattr(data, k) for k in _FIELDS), now_iso(), supplier_id))
        changed = {k: getattr(data, k) for k in _FIELDS if getattr(data, k) != getattr(before, k)}
        audit.record(db, user_id=user.id, action="supplier.update", entity="supplier",
                     entity_id=supplier_id, detail=changed)
    return get_supplier(db, supplier_id)


def set_supplier_archived(db: Database, *, user: User, supplier_id: str, archived: bool
                          ) -> Supplier:
    require(user, "purchase.manage")
    with db.atomic():
        supplier = get_supplier(db, supplier_id)
        if archived and db.scalar("SELECT 1 FROM purchase_orders WHERE supplier_id = ?"
                                  " AND status IN ('sent', 'partial')", (supplier_id,)):
            raise UserError(_("{name} masih punya pesanan yang belum diterima.").format(
                name=supplier.name))
        db.execute("UPDATE suppliers SET archived = ?, updated_at = ? WHERE id = ?",
                   (int(archived), now_iso(), supplier_id))
        audit.record(db, user_id=user.id,
                     action="supplier.archive" if archived else "supplier.restore",
                     entity="supplier", entity_id=supplier_id, detail={})
    return replace(supplier, archived=archived)


@dataclass(frozen=True)
class SuppliedProduct:
    product_id: str
    name: str
    unit_id: str | None
    unit_name: str
    factor: int
    last_price: int   # per unit_name
    updated_at: str


def supplied_products(db: Database, supplier_id: str) -> list[SuppliedProduct]:
    """What a supplier delivers, with the last price paid per pack (kept by goods receipts)."""
    return [SuppliedProduct(r["product_id"], r["name"], r["unit_id"], r["unit_name"],
                            r["factor"], r["last_price"], r["updated_at"]) for r in db.query(
        "SELECT sp.product_id, p.name, sp.unit_id, coalesce(u.name, p.base_unit) AS unit_name,"
        " coalesce(u.factor, 1000) AS factor, sp.last_price, sp.updated_at"
        " FROM supplier_products sp JOIN products p ON p.id = sp.product_id"
        " LEFT JOIN product_units u ON u.id = sp.unit_id"
        " WHERE sp.supplier_id = ? ORDER BY p.name COLLATE NOCASE", (supplier_id,))]


def remember_price(db: Database, *, supplier_id: str, product_id: str, unit_id: str | None,
                   price: int) -> None:
    """Keep the last price a supplier charged for a product's pack; inside a receipt or PO."""
    assert db.in_transaction
    db.execute(
        "INSERT INTO supplier_products(supplier_id, product_id, unit_id, last_price, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(supplier_id, product_id) DO UPDATE SET"
        " unit_id = excluded.unit_id, last_price = excluded.last_price,"
        " updated_at = excluded.updated_at", (supplier_id, product_id, unit_id, price, now_iso()))
