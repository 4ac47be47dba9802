"""The district hub's reports over every shop's books: which shops send their packages,
sales by shop, month and category, members and savings, local producers' sales, program
goods against the HET (every sale above it listed), program goods' stock, and the
SIMKOPDES export of the whole district (:mod:`app.reports.hub_reports_simkopdes`).

Figures come from :mod:`app.models.hub_reports_data`; this module only arranges them, as
the shop's reports do (PDF, XLSX, CSV through :mod:`app.reports.output`). The letterhead
names the district instead of a shop. A CSV holds the data rows only, each with its shop's
code, so a column summed in a spreadsheet counts nothing twice; a report of two tables
writes both, one under the other, a blank line between.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import hub_reports_data as hub
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.hub_store import district, hub_setting, require_hub
from app.models.money import format_number, format_rupiah
from app.models.settings import ShopSettings, get_settings
from app.models.users import User, require
from app.reports.document_pdf import Document, Fields, Note, day_text, period_text
from app.reports.hub_reports_simkopdes import write_district_simkopdes
from app.reports.output import check_format, check_target, save_report, write_atomically
from app.reports.tabular import (
    COUNT,
    MONEY,
    QTY,
    Column,
    ReportTable,
    csv_bytes,
    data,
    subtotal,
    total,
)

HUB_REPORTS = ("shops", "sales", "members", "consignment", "program-goods", "program-stock",
               "simkopdes")


def report_titles() -> dict[str, str]:
    """Each report's name and what it shows, in Indonesian (for the command's help)."""
    return {
        "shops": _("Gerai aktif: paket terakhir, impor terakhir, penjualan; gerai yang diam"
                   " lebih dari 14 hari ditandai"),
        "sales": _("Penjualan bersih per gerai, bulan dan kategori (retur dan batal"
                   " dikurangkan), dengan HPP dan margin"),
        "members": _("Anggota per status, saldo simpanan pokok/wajib/sukarela dan bon"
                     " beredar per gerai"),
        "consignment": _("Penjualan barang titipan dan produk UMKM per desa dan produsen"),
        "program-goods": _("Barang program terjual dibanding HET; setiap penjualan di atas"
                           " HET didaftar"),
        "program-stock": _("Stok barang program per gerai pada akhir periode"),
        "simkopdes": _("Ekspor SIMKOPDES seluruh gerai (XLSX, atau folder CSV per tabel)"),
    }


def hub_letterhead(db: Database, shops: int) -> ShopSettings:
    """The district in the letterhead's place of the shop (zone: the hub's own)."""
    own = get_settings(db)
    # The office's own name when `gerai init` gave it one; not the shop default's.
    name = hub_setting(db, "cooperative_name") or _(
        "Dinas Koperasi · Kabupaten/Kota {district}").format(district=district(db))
    return ShopSettings(
        cooperative_name=name,
        shop_name=_("{shops} · dinas {district}").format(
            shops=ngettext("Rekap {n} gerai", "Rekap {n} gerai", shops).format(n=shops),
            district=district(db)),
        shop_code="", address=own.address, zone=own.zone)


def _who(printed_by) -> str:
    if isinstance(printed_by, User):
        require(printed_by, "report.finance")
        return printed_by.full_name
    return str(printed_by).strip() if printed_by else _("Petugas dinas")


def _shop_cells(shop: hub.HubShop) -> tuple[str, str]:
    return shop.code, shop.name


_SHOP_COLUMNS = (Column(_("Kode gerai")), Column(_("Nama gerai"), weight=1.6))


def _day(iso: str | None, zone: str) -> str:
    return day_text(local_date(iso, zone)) if iso else ""


# --- shops ----------------------------------------------------------------------------------


def shops_table(rows: list[hub.ShopActivity]) -> ReportTable:
    columns = (*_SHOP_COLUMNS, Column(_("Terdaftar")), Column(_("Paket terakhir")),
               Column(_("Impor terakhir")), Column(_("Paket"), COUNT),
               Column(_("Transaksi"), COUNT), Column(_("Penjualan"), MONEY),
               Column(_("Keterangan"), weight=1.4))
    lines = []
    for r in rows:
        zone = r.shop.zone
        if r.silent_days is None:
            remark = _("Belum pernah mengirim paket")
        elif r.silent:
            remark = _("Diam {n} hari").format(n=r.silent_days)
        else:
            remark = ""
        lines.append(data(*_shop_cells(r.shop), _day(r.shop.registered_at, zone),
                          _day(r.shop.last_package_at, zone), _day(r.shop.last_import_at, zone),
                          r.packages, r.transactions, r.sales, remark))
    if rows:
        lines.append(total(_("Total"), ngettext("{n} gerai", "{n} gerai", len(rows)).format(
            n=len(rows)), "", "", "", sum(r.packages for r in rows),
            sum(r.transactions for r in rows), sum(r.sales for r in rows), ""))
    return ReportTable(columns, tuple(lines), sheet=_("Gerai"),
                       empty=_("Belum ada gerai yang terdaftar."))


def _shops(db, first, last):
    rows = hub.active_shops(db, first, last)
    silent = sum(r.silent for r in rows)
    summary = Fields((
        (_("Gerai terdaftar"), str(len(rows))),
        (_("Diam > {n} hari").format(n=hub.SILENT_DAYS), str(silent)),
        (_("Penjualan bersih"), format_rupiah(sum(r.sales for r in rows))),
        (_("Transaksi"), format_number(sum(r.transactions for r in rows))),
    ))
    note = Note(_("Paket terakhir = tanggal gerai membuat paket terakhirnya; diam = tidak ada"
                  " paket lebih dari {n} hari sampai hari ini. Penjualan dan transaksi menurut"
                  " hari gerai masing-masing dalam periode, setelah retur dan"
                  " pembatalan.").format(n=hub.SILENT_DAYS))
    return _("GERAI AKTIF DAN PAKET TERAKHIR"), (shops_table(rows),), (summary,), (note,), True


# --- sales ----------------------------------------------------------------------------------


def sales_table(rows: list[hub.MonthCategorySales]) -> ReportTable:
    columns = (*_SHOP_COLUMNS, Column(_("Bulan")), Column(_("Kategori"), weight=1.4),
               Column(_("Penjualan"), MONEY), Column(_("HPP"), MONEY), Column(_("Margin"), MONEY))
    lines, by_shop = [], {}
    for r in rows:
        by_shop.setdefault(r.shop.code, []).append(r)
    for shop_rows in by_shop.values():
        for r in shop_rows:
            category = _("Barang titipan") if r.consigned else (r.category or _("Tanpa kategori"))
            lines.append(data(*_shop_cells(r.shop), r.month, category, r.sales, r.cogs,
                              r.margin))
        lines.append(subtotal(_("Jumlah"), shop_rows[0].shop.name, "", "",
                              *_sums(shop_rows)))
    if rows:
        lines.append(total(_("Total"), "", "", "", *_sums(rows)))
    return ReportTable(columns, tuple(lines), sheet=_("Penjualan"),
                       empty=_("Tidak ada penjualan dalam periode ini."))


def _sums(rows) -> tuple[int, int, int]:
    sales, cogs = sum(r.sales for r in rows), sum(r.cogs for r in rows)
    return sales, cogs, sales - cogs


def _sales(db, first, last):
    rows = hub.sales_by_month(db, first, last)
    sales, cogs, margin = _sums(rows)
    summary = Fields(((_("Penjualan bersih"), format_rupiah(sales)),
                      (_("HPP"), format_rupiah(cogs)), (_("Margin kotor"), format_rupiah(margin)),
                      (_("Gerai berjualan"), str(len({r.shop.code for r in rows})))))
    note = Note(_("Penjualan = nilai baris setelah diskon; retur dan pembatalan mengurangi"
                  " penjualan pada hari barang kembali, seperti laporan gerai. Barang titipan"
                  " satu baris per bulan; HPP-nya hak penitip."))
    return (_("PENJUALAN PER GERAI, BULAN DAN KATEGORI"), (sales_table(rows),), (summary,),
            (note,), False)


# --- members and savings --------------------------------------------------------------------


def members_table(rows: list[hub.MemberSavings]) -> ReportTable:
    columns = (*_SHOP_COLUMNS, Column(_("Aktif"), COUNT), Column(_("Tidak aktif"), COUNT),
               Column(_("Keluar"), COUNT), Column(_("Simpanan pokok"), MONEY),
               Column(_("Simpanan wajib"), MONEY), Column(_("Simpanan sukarela"), MONEY),
               Column(_("Jumlah simpanan"), MONEY), Column(_("Bon beredar"), MONEY))

    def figures(r) -> tuple:
        return (r.active, r.inactive, r.left, *(r.savings[k] for k in hub.SAVINGS_KINDS),
                r.savings_total, r.bon)

    lines = [data(*_shop_cells(r.shop), *figures(r)) for r in rows]
    if rows:
        sums = [sum(col) for col in zip(*(figures(r) for r in rows), strict=True)]
        lines.append(total(_("Total"), "", *sums))
    return ReportTable(columns, tuple(lines), sheet=_("Anggota"),
                       empty=_("Belum ada gerai yang mengirim data anggota."))


def _members(db, first, last):
    rows = hub.members_savings(db, first, last)
    summary = Fields(((_("Anggota"), str(sum(r.members for r in rows))),
                      (_("Anggota aktif"), str(sum(r.active for r in rows))),
                      (_("Simpanan"), format_rupiah(sum(r.savings_total for r in rows))),
                      (_("Bon beredar"), format_rupiah(sum(r.bon for r in rows)))))
    note = Note(_("Anggota yang terdaftar sampai akhir periode, menurut statusnya sekarang."
                  " Simpanan dan bon = jumlah mutasinya sampai akhir hari terakhir periode"
                  " (hari gerai masing-masing)."))
    return _("ANGGOTA DAN SIMPANAN PER GERAI"), (members_table(rows),), (summary,), (note,), True


# --- consignment and UMKM -------------------------------------------------------------------


def producers_table(rows: list[hub.ProducerSales]) -> ReportTable:
    columns = (Column(_("Kode gerai")), Column(_("Desa/Kel."), weight=1.6),
               Column(_("Produsen"), weight=1.2), Column(_("Produk"), weight=1.6),
               Column(_("Cara")), Column(_("Jumlah"), QTY), Column(_("Satuan")),
               Column(_("Penjualan"), MONEY), Column(_("Hak produsen"), MONEY))
    lines = [data(r.shop.code, r.village, r.producer, r.product,
                  _("Titipan") if r.consigned else _("Beli putus"), r.qty, r.unit, r.gross,
                  r.due) for r in rows]
    if rows:
        lines.append(total(_("Total"), "", "", "", "", None, "", sum(r.gross for r in rows),
                           sum(r.due or 0 for r in rows)))
    return ReportTable(columns, tuple(lines), sheet=_("Produsen"),
                       empty=_("Tidak ada penjualan barang produsen lokal dalam periode ini."))


def _consignment(db, first, last):
    rows = hub.producer_sales(db, first, last)
    summary = Fields(((_("Penjualan titipan"),
                       format_rupiah(sum(r.gross for r in rows if r.consigned))),
                      (_("Penjualan UMKM"),
                       format_rupiah(sum(r.gross for r in rows if not r.consigned))),
                      (_("Produsen"), str(len({(r.shop.code, r.producer) for r in rows}))),
                      (_("Desa/Kel."), str(len({r.village for r in rows})))))
    note = Note(_("Titipan = barang titip jual menurut buku titipan, setelah retur pelanggan;"
                  " hak produsen = yang menjadi hak penitip. Beli putus = barang milik gerai"
                  " yang produsennya tercatat di data kepatuhan produk."))
    return (_("PENJUALAN BARANG TITIPAN DAN UMKM"), (producers_table(rows),), (summary,),
            (note,), True)


# --- program goods --------------------------------------------------------------------------


def program_table(rows: list[hub.ProgramGoodsSales]) -> ReportTable:
    columns = (Column(_("Kode gerai")), Column(_("Program")), Column(_("Produk"), weight=1.8),
               Column(_("Satuan")), Column(_("Terjual"), QTY), Column(_("Nilai"), MONEY),
               Column(_("Harga rata-rata"), MONEY), Column(_("HET"), MONEY),
               Column(_("Di atas HET"), COUNT))
    lines = [data(r.shop.code, r.program, r.product, r.unit, r.qty, r.amount, r.average_price,
                  r.het, r.above_het) for r in rows]
    if rows:
        lines.append(total(_("Total"), "", "", "", None, sum(r.amount for r in rows), None,
                           None, sum(r.above_het for r in rows)))
    return ReportTable(columns, tuple(lines), caption=_("Barang program terjual"),
                       sheet=_("Barang program"),
                       empty=_("Belum ada barang program di gerai mana pun."))


def above_table(rows: list[hub.AboveHet]) -> ReportTable:
    columns = (Column(_("Kode gerai")), Column(_("Tanggal")), Column(_("No. transaksi")),
               Column(_("Produk"), weight=1.8), Column(_("Satuan")), Column(_("Jumlah"), QTY),
               Column(_("Harga"), MONEY), Column(_("HET"), MONEY), Column(_("Selisih"), MONEY))
    lines = [data(r.shop.code, day_text(r.day), r.number, r.product, r.unit, r.qty,
                  r.unit_price, r.het, r.unit_price - r.het) for r in rows]
    return ReportTable(columns, tuple(lines), caption=_("Penjualan di atas HET"),
                       sheet=_("Di atas HET"),
                       empty=_("Tidak ada penjualan di atas HET dalam periode ini."))


def _program(db, first, last):
    rows, above = hub.program_goods(db, first, last)
    summary = Fields(((_("Nilai terjual"),
                       format_rupiah(sum(r.amount for r in rows))),
                      (_("Penjualan di atas HET"), str(len(above))),
                      (_("Gerai di atas HET"),
                       str(len({r.shop.code for r in above})))))
    note = Note(_("Harga rata-rata dan HET per satuan dasar. HET sebuah penjualan = HET yang"
                  " tercatat pada baris itu saat dijual (atau HET produk sekarang bila saat itu"
                  " belum ada). Penjualan di atas HET melanggar ketentuan dan harus ditindak"
                  " lanjuti."))
    return (_("BARANG PROGRAM DAN HET"), (program_table(rows), above_table(above)), (summary,),
            (note,), True)


def stock_table(rows: list[hub.ProgramStock]) -> ReportTable:
    columns = (Column(_("Kode gerai")), Column(_("Nama gerai"), weight=1.4), Column(_("Program")),
               Column(_("Produk"), weight=1.8), Column(_("Stok"), QTY), Column(_("Satuan")),
               Column(_("Nilai stok"), MONEY))
    lines = [data(*_shop_cells(r.shop), r.program, r.product, r.qty, r.unit, r.value)
             for r in rows]
    if rows:
        lines.append(total(_("Total"), "", "", "", None, "", sum(r.value for r in rows)))
    return ReportTable(columns, tuple(lines), sheet=_("Stok barang program"),
                       empty=_("Belum ada barang program di gerai mana pun."))


def _stock(db, first, last):
    rows = hub.program_stock(db, first, last)
    note = Note(_("Stok = jumlah mutasi stok sampai akhir hari {day} (hari gerai masing-masing);"
                  " nilai menurut harga pokok.").format(day=day_text(last)))
    return (_("STOK BARANG PROGRAM PER GERAI"), (stock_table(rows),), (), (note,), False)


_BUILDERS: dict[str, Callable] = {
    "shops": _shops, "sales": _sales, "members": _members, "consignment": _consignment,
    "program-goods": _program, "program-stock": _stock,
}


def check_name(name) -> str:
    found = (name or "").strip().lower() if isinstance(name, str) else ""
    if found not in HUB_REPORTS:
        raise UserError(_("Laporan dinas tidak dikenal; pilih salah satu dari: {names}.").format(
            names=", ".join(HUB_REPORTS)), "name")
    return found


def write_hub_report(db: Database, name: str, *, start: date, end: date, fmt: str, out,
                     printed_by: User | str | None = None) -> Path:
    """The district report ``name`` (one of :data:`HUB_REPORTS`) over the shops' days
    ``start``..``end`` (both included) as ``fmt`` (pdf, xlsx, csv) at ``out``.
    ``simkopdes``: xlsx writes the workbook at ``out`` and a folder ``<stem>-csv`` of one
    CSV per table beside it; csv writes only that folder, at ``out``."""
    require_hub(db)
    name = check_name(name)
    first, last = hub.check_period(start, end)
    who = _who(printed_by)
    if name == "simkopdes":
        return write_district_simkopdes(db, out, first, last, fmt=fmt)
    fmt = check_format(fmt)
    check_target(out)
    title, tables, head, tail, wide = _BUILDERS[name](db, first, last)
    if fmt == "csv":
        return write_atomically(out, csv_bytes(tables))
    document = Document(title, (*head, *tables, *tail), period=period_text(first, last),
                        landscape=wide)
    letterhead = hub_letterhead(db, len(hub.hub_shops(db)))
    return save_report(out, fmt, settings=letterhead, printed_by=who, printed_at=now_iso(),
                       document=document, sheets=tables)
