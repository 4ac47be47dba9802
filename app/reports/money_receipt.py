"""The slip a member takes home after paying in savings, taking out sukarela or paying off
bon (:class:`app.models.member_money.MoneyReceipt`), laid out for the thermal printer like
the sale receipt (:mod:`app.reports.receipt_text`), so the same header, widths and ESC/POS
path serve both.

The slip names the member by number and name only: a member's NIK and phone never go on
paper. A withdrawal ends with a line for the member to sign, since the cash left the
drawer on their word.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from app.i18n import _
from app.models.clock import format_local
from app.models.member_money import KINDS, MoneyReceipt, kind_label, method_label
from app.models.money import format_number, format_rupiah
from app.models.settings import ShopSettings
from app.reports.receipt_escpos import rows_escpos
from app.reports.receipt_text import (
    TALL,
    Row,
    Style,
    _fields,
    centered,
    header_rows,
    pair,
    plain_lines,
    rule,
    wrap,
)


def month_text(period: str) -> str:
    """``2026-03`` as people say it: ``Maret 2026`` (the text itself when it is no month)."""
    names = (_("Januari"), _("Februari"), _("Maret"), _("April"), _("Mei"), _("Juni"),
             _("Juli"), _("Agustus"), _("September"), _("Oktober"), _("November"),
             _("Desember"))
    year, _dash, month = (period or "").partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return period or ""
    return f"{names[int(month) - 1]} {year}"


def entry_label(entry) -> str:
    """What one line of the slip is: the kind of savings (with its month for wajib), a
    withdrawal, or a bon repayment."""
    if entry.kind == "bon":
        return _("Pembayaran bon")
    if entry.amount < 0:
        if entry.kind == "sukarela":   # the only savings a member may take out
            return _("Penarikan sukarela")
        return _("Penarikan {kind}").format(kind=kind_label(entry.kind))
    if entry.period:
        return _("{kind} {month}").format(kind=kind_label(entry.kind),
                                          month=month_text(entry.period))
    return kind_label(entry.kind)


def _entry_rows(entries, width: int, per_entry_method: bool) -> list[Row]:
    """A line per entry; months of wajib under one heading, so a year paid at once reads
    as a list of months even on 58 mm paper."""
    rows: list[Row] = []
    heading = None
    for entry in entries:
        if entry.period and entry.amount > 0:
            if heading != entry.kind:
                rows += [Row(line) for line in wrap(kind_label(entry.kind), width)]
                heading = entry.kind
            rows += pair(month_text(entry.period), format_number(entry.amount), width,
                         indent="  ")
        else:
            heading = None
            rows += pair(entry_label(entry), format_number(abs(entry.amount)), width)
        if per_entry_method:
            rows += _method_rows(entry.method, entry.reference, width, "  ")
    return rows


def is_withdrawal(receipt: MoneyReceipt) -> bool:
    return any(e.amount < 0 for e in receipt.entries)


def _method_rows(method: str, reference: str, width: int, indent: str = "") -> list[Row]:
    text = method_label(method)
    if reference.strip():
        text = _("{method}, ref. {reference}").format(method=text, reference=reference)
    return [Row(line) for line in wrap(_("Cara: {method}").format(method=text), width, indent)]


def _balance_rows(balances: dict[str, int], width: int) -> list[Row]:
    rows = [Row(line, Style(bold=True)) for line in wrap(_("Saldo setelah transaksi"), width)]
    for kind in KINDS:
        if kind in balances:
            rows += pair(kind_label(kind), format_number(balances[kind]), width)
    if "bon" in balances:
        rows += pair(_("Sisa bon"), format_number(balances["bon"]), width)
    return rows


def money_receipt_rows(receipt: MoneyReceipt, settings: ShopSettings, columns: int, *,
                       printed_by_name: str) -> list[Row]:
    """The whole slip, top to bottom, ``columns`` wide (32 on 58 mm paper, 48 on 80 mm)."""
    width = columns
    rows = header_rows(settings.cooperative_name, settings.shop_name, settings.address, width)
    rows.append(Row(""))
    rows += centered(receipt.title, width, Style(bold=True, size=TALL))
    rows += _fields([
        (_("No."), receipt.number),
        (_("Waktu"), format_local(receipt.created_at, settings.zone)),
        (_("Anggota"), receipt.member.label),
    ], width)
    rows.append(rule(width))
    methods = {(e.method, e.reference) for e in receipt.entries}
    rows += _entry_rows(receipt.entries, width, len(methods) > 1)
    rows.append(rule(width))
    out = is_withdrawal(receipt)
    rows += pair(_("TOTAL DIBAYAR") if out else _("TOTAL"), format_rupiah(abs(receipt.total)),
                 width, Style(bold=True, size=TALL))
    if len(methods) == 1:
        rows += _method_rows(*methods.pop(), width)
    rows.append(Row(""))
    rows += _balance_rows(receipt.balances, width)
    rows.append(rule(width))
    who = (_("Dibayar oleh: {name}") if out else _("Diterima oleh: {name}")).format(
        name=printed_by_name)
    rows += [Row(line) for line in wrap(who, width)]
    if out:
        rows += [Row(""), Row(""), Row("")]
        rows += centered(_("Tanda tangan anggota"), width)
        rows.append(Row(""))
        rows.append(Row(""))
        rows += centered("(" + "." * min(width - 4, 28) + ")", width)
        rows += centered(receipt.member.name, width)
    rows.append(Row(""))
    rows += centered(_("Harap simpan bukti ini."), width)
    return rows


def money_receipt_lines(receipt: MoneyReceipt, settings: ShopSettings, columns: int, *,
                        printed_by_name: str) -> list[str]:
    """The slip as plain text lines, as the printer prints them (previews, tests)."""
    return plain_lines(money_receipt_rows(receipt, settings, columns,
                                          printed_by_name=printed_by_name), columns)


def money_receipt_escpos(receipt: MoneyReceipt, settings: ShopSettings, columns: int,
                         printed_by_name: str) -> bytes:
    """The slip as one ESC/POS job (the sale receipt's renderer: code page, styles, cut)."""
    return rows_escpos(money_receipt_rows(receipt, settings, columns,
                                          printed_by_name=printed_by_name), columns)
