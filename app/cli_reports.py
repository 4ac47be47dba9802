"""``gerai report NAME``: which report each name writes, in which formats, and whether it
needs a period. The command itself is in ``app.cli``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from app.i18n import _


def _product_id(db, text):
    from app.models.errors import UserError
    from app.models.product_search import find_product

    if not text:
        raise click.UsageError(_("Sebutkan --product (barcode atau nama)."))
    product_id = find_product(db, text)
    if product_id is None:
        raise UserError(_("Produk {text} tidak ditemukan.").format(text=text))
    return product_id


def _named(found, name, option: str, missing: str):
    """The one record whose name is ``name`` (any case), for --supplier / --consignor."""
    from app.models.errors import UserError

    if not name:
        raise click.UsageError(_("Sebutkan {option}.").format(option=option))
    match = [x for x in found if x.name.lower() == name.strip().lower()]
    if not match:
        raise UserError(missing.format(name=name))
    return match[0].id


def _document_id(db, table: str, number):
    from app.models.errors import NotFound
    from app.models.ids import find_document

    if not number:
        raise click.UsageError(_("Sebutkan --number (nomor dokumen)."))
    found = find_document(db, table, number)
    if found is None:
        raise NotFound(_("Dokumen {number} tidak ditemukan.").format(number=number))
    return found


def _r_stock(db, o):
    from app.reports.stock_reports import write_valuation
    return write_valuation(db, o.out, o.fmt, printed_by=o.user)


def _r_low_stock(db, o):
    from app.reports.stock_reports import write_low_stock
    return write_low_stock(db, o.out, o.fmt, printed_by=o.user)


def _r_near_expiry(db, o):
    from app.reports.stock_lists import write_near_expiry
    return write_near_expiry(db, o.out, o.fmt, days=o.days, printed_by=o.user)


def _r_susut(db, o):
    from app.reports.stock_lists import write_susut
    return write_susut(db, o.out, o.fmt, date_from=o.start, date_to=o.end, printed_by=o.user)


def _r_program_goods(db, o):
    from app.reports.goods_reports import write_program_goods
    return write_program_goods(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_stock_card(db, o):
    from app.reports.stock_reports import write_stock_card_pdf
    return write_stock_card_pdf(db, _product_id(db, o.product), o.out, o.start, o.end,
                                printed_by=o.user)


def _r_po(db, o):
    from app.models.purchasing import find_po
    from app.reports.purchasing_pdf import write_po_pdf
    if not o.number:
        raise click.UsageError(_("Sebutkan --number (nomor pesanan)."))
    return write_po_pdf(db, find_po(db, o.number).id, o.out, printed_by=o.user)


def _r_supplier_statement(db, o):
    from app.models.suppliers import list_suppliers
    from app.reports.purchasing_pdf import write_supplier_statement_pdf
    supplier_id = _named(list_suppliers(db, include_archived=True), o.supplier, "--supplier",
                         _("Pemasok {name} tidak ditemukan."))
    return write_supplier_statement_pdf(db, supplier_id, o.out, o.start, o.end,
                                        printed_by=o.user)


def _consignor_id(db, o):
    from app.models.consignors import list_consignors
    return _named(list_consignors(db, include_archived=True), o.consignor, "--consignor",
                  _("Penitip {name} tidak ditemukan."))


def _r_consignment(db, o):
    from app.reports.consignment_reports import write_consignment_summary
    return write_consignment_summary(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_consignment_intake(db, o):
    from app.reports.consignment_pdf import write_intake_pdf
    return write_intake_pdf(db, _document_id(db, "consignment_intakes", o.number), o.out,
                            printed_by=o.user)


def _r_consignment_return(db, o):
    from app.reports.consignment_pdf import write_return_pdf
    return write_return_pdf(db, _document_id(db, "consignment_returns", o.number), o.out,
                            printed_by=o.user)


def _r_consignment_settlement(db, o):
    from app.reports.consignment_pdf import write_settlement_pdf
    return write_settlement_pdf(db, _document_id(db, "consignment_settlements", o.number),
                                o.out, printed_by=o.user)


def _r_consignor_statement(db, o):
    from app.reports.consignment_pdf import write_consignor_statement_pdf
    return write_consignor_statement_pdf(db, _consignor_id(db, o), o.out, o.start, o.end,
                                         printed_by=o.user)


def _r_labels(db, o):
    from app.models.consignment_docs import intake_label_items
    from app.reports.labels_pdf import write_labels_pdf
    items = intake_label_items(db, _document_id(db, "consignment_intakes", o.number))
    return write_labels_pdf(db, items, o.out, user=o.user, layout=o.layout)


def _r_retail_ready(db, o):
    from app.reports.umkm_reports import write_readiness
    return write_readiness(db, o.out, o.fmt, printed_by=o.user)


def _r_retail_catalog(db, o):
    from app.reports.umkm_reports import write_ready_catalog
    return write_ready_catalog(db, o.out, o.fmt, printed_by=o.user)


def _r_flagship(db, o):
    from app.reports.umkm_reports import write_flagship
    return write_flagship(db, o.out, o.fmt, o.start, o.end, printed_by=o.user)


def _r_daily(db, o):
    from app.reports.daily_report import write_daily
    return write_daily(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_monthly(db, o):
    from app.reports.sales_reports import write_monthly
    return write_monthly(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_margin(db, o):
    from app.reports.sales_reports import write_margin
    return write_margin(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _as_of(db, o):
    """The day an aging is taken on: --to, or the shop's today."""
    from app.models.clock import local_date, now_iso
    from app.models.settings import get_settings
    return o.end or local_date(now_iso(), get_settings(db).zone)


def _r_ar_aging(db, o):
    from app.reports.aging_reports import write_ar_aging
    return write_ar_aging(db, o.out, _as_of(db, o), o.fmt, printed_by=o.user)


def _r_ap_aging(db, o):
    from app.reports.aging_reports import write_ap_aging
    return write_ap_aging(db, o.out, _as_of(db, o), o.fmt, printed_by=o.user)


def _member_id(db, text):
    from app.models.errors import UserError
    from app.models.members import find_members

    if not text:
        raise click.UsageError(_("Sebutkan --member (nomor anggota atau kartu)."))
    found = find_members(db, text, include_inactive=True)
    exact = [m for m in found if text.strip().upper() in (m.number, (m.card_code or "").upper())]
    if len(exact) != 1 and len(found) != 1:
        raise UserError(_("Anggota {text} tidak ditemukan.").format(text=text))
    return (exact or found)[0].id


def _r_member_cards(db, o):
    from app.reports.member_papers import write_member_cards
    ids = [_member_id(db, o.member)] if o.member else None
    return write_member_cards(db, o.out, ids, printed_by=o.user)


def _r_member_statement(db, o):
    from app.reports.member_papers import write_member_statement
    return write_member_statement(db, o.out, _member_id(db, o.member), o.start, o.end, o.fmt,
                                  printed_by=o.user)


def _year(db, o):
    """--year, or the year of --to, or last year."""
    from app.models.settings import shop_today
    if o.year:
        return o.year
    return (o.end or shop_today(db).replace(month=1, day=1) - _one_day()).year


def _one_day():
    from datetime import timedelta
    return timedelta(days=1)


def _r_shu(db, o):
    from app.reports.shu_report import write_shu
    return write_shu(db, o.out, _year(db, o), o.fmt, printed_by=o.user)


def _r_cashbook(db, o):
    from app.reports.books_reports import write_cashbook
    return write_cashbook(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_bankbook(db, o):
    from app.reports.books_reports import write_cashbook
    return write_cashbook(db, o.out, o.start, o.end, o.fmt, printed_by=o.user, book="bank")


def _r_phu(db, o):
    from app.reports.statement_reports import write_phu
    return write_phu(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_neraca(db, o):
    from app.reports.statement_reports import write_neraca
    return write_neraca(db, o.out, _as_of(db, o), o.fmt, printed_by=o.user)


def _r_trial_balance(db, o):
    from app.reports.books_reports import write_trial_balance
    return write_trial_balance(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_journal(db, o):
    from app.reports.books_reports import write_journal
    return write_journal(db, o.out, o.start, o.end, o.fmt, printed_by=o.user)


def _r_simkopdes(db, o):
    from app.reports.simkopdes_export import write_simkopdes
    return write_simkopdes(db, o.out, o.start, o.end, printed_by=o.user)


def _r_bank_recon(db, o):
    from app.reports.bank_recon_report import write_bank_recon
    if not o.statement:
        raise click.UsageError(_("Sebutkan --statement (berkas CSV mutasi rekening)."))
    return write_bank_recon(db, o.out, o.statement, o.start, o.end, o.fmt, printed_by=o.user)


@dataclass(frozen=True)
class ReportKind:
    write: Callable
    formats: tuple[str, ...] = ("pdf", "xlsx", "csv")
    period: bool = False          # --from and --to required


#: ``gerai report NAME``: what each name writes, in which formats, whether it needs a period.
REPORT_KINDS: dict[str, ReportKind] = {
    "stock": ReportKind(_r_stock),
    "low-stock": ReportKind(_r_low_stock),
    "stock-card": ReportKind(_r_stock_card, ("pdf",)),
    "near-expiry": ReportKind(_r_near_expiry),
    "susut": ReportKind(_r_susut, period=True),
    "program-goods": ReportKind(_r_program_goods, period=True),
    "po": ReportKind(_r_po, ("pdf",)),
    "supplier-statement": ReportKind(_r_supplier_statement, ("pdf",)),
    "consignment": ReportKind(_r_consignment, period=True),
    "consignment-intake": ReportKind(_r_consignment_intake, ("pdf",)),
    "consignment-return": ReportKind(_r_consignment_return, ("pdf",)),
    "consignment-settlement": ReportKind(_r_consignment_settlement, ("pdf",)),
    "consignor-statement": ReportKind(_r_consignor_statement, ("pdf",)),
    "labels": ReportKind(_r_labels, ("pdf",)),
    "retail-ready": ReportKind(_r_retail_ready),
    "retail-catalog": ReportKind(_r_retail_catalog, ("xlsx", "csv")),
    "flagship": ReportKind(_r_flagship, period=True),
    "daily": ReportKind(_r_daily, period=True),
    "monthly": ReportKind(_r_monthly, period=True),
    "margin": ReportKind(_r_margin, period=True),
    "ar-aging": ReportKind(_r_ar_aging),
    "ap-aging": ReportKind(_r_ap_aging),
    "member-cards": ReportKind(_r_member_cards, ("pdf",)),
    "member-statement": ReportKind(_r_member_statement),
    "shu": ReportKind(_r_shu),
    "cashbook": ReportKind(_r_cashbook, period=True),
    "bankbook": ReportKind(_r_bankbook, period=True),
    "phu": ReportKind(_r_phu, period=True),
    "neraca": ReportKind(_r_neraca),
    "trial-balance": ReportKind(_r_trial_balance, period=True),
    "journal": ReportKind(_r_journal, period=True),
    "simkopdes": ReportKind(_r_simkopdes, ("xlsx",), period=True),
    "bank-recon": ReportKind(_r_bank_recon, period=True),
}
REPORTS = tuple(REPORT_KINDS)


@dataclass(frozen=True)
class ReportRequest:
    out: Path
    fmt: str
    user: object
    start: object
    end: object
    product: str | None
    supplier: str | None
    consignor: str | None
    number: str | None
    days: int
    layout: str
    member: str | None = None
    year: int | None = None
    statement: Path | None = None
