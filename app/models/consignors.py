"""Consignors (penitip): the local producers who leave goods at the shop and are paid for
what sells, and the terms agreed with each."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id
from app.models.money import div_round_half_up
from app.models.users import User, require

TERMS = ("percent", "fixed")
PERIODS = ("weekly", "biweekly", "monthly")
LOSS_POLICIES = ("shop", "producer")
PAY_METHODS = ("cash", "transfer")
#: Basis points in a whole: a commission of 12.5% is 1250.
BP = 10_000
MAX_TEXT = 120


def terms_label(terms: str) -> str:
    return {"percent": _("Komisi % dari harga jual"),
            "fixed": _("Harga tetap ke produsen")}[terms]


def period_label(period: str) -> str:
    return {"weekly": _("Mingguan"), "biweekly": _("Dua mingguan"),
            "monthly": _("Bulanan")}[period]


def loss_policy_label(policy: str) -> str:
    return {"shop": _("Selisih kurang ditanggung gerai"),
            "producer": _("Selisih kurang ditanggung produsen")}[policy]


def pay_method_label(method: str) -> str:
    return {"cash": _("Tunai"), "transfer": _("Transfer bank")}[method]


@dataclass(frozen=True)
class ConsignorInput:
    name: str
    village: str = ""
    phone: str = ""
    address: str = ""
    pay_method: str = "cash"
    bank_name: str = ""
    bank_account: str = ""
    bank_holder: str = ""
    terms: str = "percent"
    commission_bp: int = 1500
    period: str = "monthly"
    loss_policy: str = "shop"
    note: str = ""


@dataclass(frozen=True)
class Consignor(ConsignorInput):
    id: str = ""
    archived: bool = False
    balance: int = 0          # settled and not yet paid (what the shop owes)

    @property
    def terms_text(self) -> str:
        if self.terms == "fixed":
            return terms_label("fixed")
        return _("Komisi {percent}").format(percent=format_commission(self.commission_bp))


def format_commission(bp: int) -> str:
    """1250 → "12,5%"."""
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole},{part:02d}".rstrip("0") + "%"


_PERCENT = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?$")


def parse_commission(text, *, field: str = "commission") -> int:
    """A commission typed as a percent ("15", "12,5", "12.5%") in basis points."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise UserError(_("Komisi harus berupa angka persen, mis. 15 atau 12,5."), field)
    raw = str(text).strip().rstrip("%").strip()
    if raw.startswith("-"):
        raise UserError(_("Komisi tidak boleh negatif."), field)
    match = _PERCENT.match(raw)
    if not match:
        raise UserError(_("Komisi harus berupa angka persen, mis. 15 atau 12,5."), field)
    bp = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if bp > BP:
        raise UserError(_("Komisi tidak boleh lebih dari 100%."), field)
    return bp


def producer_share(gross: int, terms: str, commission_bp: int, producer_price: int,
                   qty_value: int) -> int:
    """What the producer gets of a sale: the sale less the commission, or the agreed price
    (``qty_value`` = the agreed price for the quantity sold) under fixed terms."""
    if terms == "fixed":
        return qty_value
    return gross - div_round_half_up(gross * commission_bp, BP)


def _clean(text, limit: int = MAX_TEXT) -> str:
    return " ".join(str(text or "").split())[:limit]


def consignor_from_form(form: dict[str, str]) -> ConsignorInput:
    """A ConsignorInput from the text of a form, or every problem with it at once."""
    problems: list[Problem] = []
    name = _clean(form.get("name"))
    if not name:
        problems.append(Problem("name", _("Nama penitip belum diisi.")))
    elif len(str(form.get("name") or "").strip()) > MAX_TEXT:
        problems.append(Problem("name", _("Nama terlalu panjang (paling banyak {n} huruf).")
                                .format(n=MAX_TEXT)))
    choices = {}
    for key, allowed, default in (("pay_method", PAY_METHODS, "cash"),
                                  ("terms", TERMS, "percent"), ("period", PERIODS, "monthly"),
                                  ("loss_policy", LOSS_POLICIES, "shop")):
        value = (form.get(key) or default).strip()
        if value not in allowed:
            problems.append(Problem(key, _("Pilihan tidak dikenal: {value}").format(
                value=value[:20])))
        choices[key] = value
    commission = 0
    if choices["terms"] == "percent":
        try:
            commission = parse_commission(form.get("commission", ""))
        except UserError as e:
            problems.append(Problem("commission", e.message))
    phone = _clean(form.get("phone"), 30)
    if phone and not re.fullmatch(r"[0-9+ ()-]{6,30}", phone):
        problems.append(Problem("phone", _("Nomor telepon hanya angka, spasi, + atau -.")))
    bank_account = _clean(form.get("bank_account"), 40)
    if choices["pay_method"] == "transfer" and not bank_account:
        problems.append(Problem("bank_account", _(
            "Pembayaran lewat transfer perlu nomor rekening penitip.")))
    if problems:
        raise ValidationError(problems)
    return ConsignorInput(
        name=name, village=_clean(form.get("village"), 80), phone=phone,
        address=_clean(form.get("address"), 200), pay_method=choices["pay_method"],
        bank_name=_clean(form.get("bank_name"), 60), bank_account=bank_account,
        bank_holder=_clean(form.get("bank_holder"), 80), terms=choices["terms"],
        commission_bp=commission, period=choices["period"],
        loss_policy=choices["loss_policy"], note=_clean(form.get("note"), 200))


def consignor_form(consignor: Consignor | ConsignorInput) -> dict[str, str]:
    """The form text that shows ``consignor`` (the inverse of consignor_from_form)."""
    values = {k: v for k, v in asdict(consignor).items() if isinstance(v, str)}
    values["commission"] = format_commission(consignor.commission_bp).rstrip("%")
    return values


_COLUMNS = ("name", "village", "phone", "address", "pay_method", "bank_name", "bank_account",
            "bank_holder", "terms", "commission_bp", "period", "loss_policy", "note")


def _check(data: ConsignorInput) -> None:
    if not isinstance(data.commission_bp, int) or not 0 <= data.commission_bp <= BP:
        raise UserError(_("Komisi tidak boleh lebih dari 100%."), "commission")
    if not data.name.strip():
        raise ValidationError([Problem("name", _("Nama penitip belum diisi."))])


def create_consignor(db: Database, *, user: User, data: ConsignorInput) -> Consignor:
    require(user, "consignment.manage")
    _check(data)
    with db.atomic():
        consignor_id, at = new_id(), now_iso()
        db.execute(
            f"INSERT INTO consignors(id, {', '.join(_COLUMNS)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' for _c in _COLUMNS)}, ?, ?)",
            (consignor_id, *(getattr(data, c) for c in _COLUMNS), at, at))
        audit.record(db, user_id=user.id, action="consignor.create", entity="consignor",
                     entity_id=consignor_id, detail={"name": data.name, "terms": data.terms,
                                                     "commission_bp": data.commission_bp})
        return get_consignor(db, consignor_id)


def update_consignor(db: Database, *, user: User, consignor_id: str,
                     data: ConsignorInput) -> Consignor:
    """Change the details and terms; batches already taken in keep the terms they came
    with."""
    require(user, "consignment.manage")
    _check(data)
    with db.atomic():
        before = get_consignor(db, consignor_id)
        db.execute(
            f"UPDATE consignors SET {', '.join(f'{c} = ?' for c in _COLUMNS)}, updated_at = ?"
            " WHERE id = ?", (*(getattr(data, c) for c in _COLUMNS), now_iso(), consignor_id))
        changed = {c: [getattr(before, c), getattr(data, c)] for c in _COLUMNS
                   if getattr(before, c) != getattr(data, c)}
        audit.record(db, user_id=user.id, action="consignor.update", entity="consignor",
                     entity_id=consignor_id, detail=changed)
        return get_consignor(db, consignor_id)


def set_archived(db: Database, *, user: User, consignor_id: str, archived: bool) -> Consignor:
    require(user, "consignment.manage")
    with db.atomic():
        consignor = get_consignor(db, consignor_id)
        if archived and db.scalar("SELECT 1 FROM consignment_balances WHERE consignor_id = ?"
                                  " AND qty <> 0 LIMIT 1", (consignor_id,)):
            raise UserError(_("{name} masih punya barang titipan di gerai; kembalikan dulu.")
                            .format(name=consignor.name))
        if archived and consignor.balance:
            raise UserError(_("{name} masih punya saldo yang belum dibayar.").format(
                name=consignor.name))
        db.execute("UPDATE consignors SET archived = ?, updated_at = ? WHERE id = ?",
                   (int(archived), now_iso(), consignor_id))
        audit.record(db, user_id=user.id, action="consignor.archive" if archived
                     else "consignor.restore", entity="consignor", entity_id=consignor_id,
                     detail={"name": consignor.name})
        return get_consignor(db, consignor_id)


_SELECT = (f"SELECT c.id, {', '.join('c.' + c for c in _COLUMNS)}, c.archived,"
           " coalesce(b.balance, 0) FROM consignors c"
           " LEFT JOIN consignor_balances b ON b.consignor_id = c.id")


def _row(r) -> Consignor:
    values = dict(zip(("id", *_COLUMNS, "archived", "balance"), tuple(r), strict=True))
    values["archived"] = bool(values["archived"])
    return Consignor(**values)


def get_consignor(db: Database, consignor_id: str) -> Consignor:
    row = db.one(f"{_SELECT} WHERE c.id = ?", (consignor_id,))
    if row is None:
        raise NotFound(_("Penitip tidak ditemukan."))
    return _row(row)


def list_consignors(db: Database, text: str = "", *, include_archived: bool = False
                    ) -> list[Consignor]:
    where, params = [], []
    if not include_archived:
        where.append("c.archived = 0")
    for word in (text or "").split():
        where.append("(c.name LIKE ? OR c.village LIKE ?)")
        params += [f"%{word}%", f"%{word}%"]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [_row(r) for r in db.query(
        f"{_SELECT}{clause} ORDER BY c.archived, c.name COLLATE NOCASE", params)]
