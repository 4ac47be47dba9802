"""Papers and files about the local producers' (UMKM) goods: which are ready for a retail
chain or a marketplace and what the others lack, the catalog of the ready ones with their
photos for a buyer, and what the producers sold by village (produk unggulan lokal).

The figures come from ``app.models.compliance``; this module only arranges them.
Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models.clock import format_local, local_date, now_iso
from app.models.compliance import (
    Readiness,
    get_standard,
    permit_kind_label,
    photo_path,
    readiness,
    standard_label,
)
from app.models.db import Database
from app.models.errors import UserError
from app.models.settings import get_settings
from app.models.umkm_sales import FlagshipRow, flagship_sales
from app.models.users import User, require
from app.reports.document_pdf import Document, Fields, Note, day_text, period_text
from app.reports.output import check_format, check_target, save_report
from app.reports.tabular import (
    MONEY,
    QTY,
    Column,
    ReportTable,
    csv_bytes,
    data,
    group,
    subtotal,
    total,
)
from app.reports.xlsx import workbook_bytes

#: How many products the flagship report ranks.
TOP_PRODUCTS = 10


def _as_of(db: Database, at: str) -> str:
    return _("Per {when}").format(when=format_local(at, get_settings(db).zone))


def _producer(r: Readiness) -> str:
    return r.producer.name if r.producer else ""


def _village(r: Readiness) -> str:
    return r.producer.village if r.producer else ""


def _permit(r: Readiness) -> str:
    return r.compliance.permit_text if r.compliance else ""


def _halal(r: Readiness) -> str:
    c = r.compliance
    if c is None or not c.halal_no:
        return ""
    if c.halal_expires_on is None:
        return c.halal_no
    return _("{number} (s.d. {day})").format(number=c.halal_no, day=day_text(c.halal_expires_on))


def _net_weight(r: Readiness) -> str:
    return r.compliance.net_weight if r.compliance else ""


# --- readiness ------------------------------------------------------------------------------


def readiness_tables(db: Database) -> tuple[ReportTable, ReportTable, int, int]:
    """(the ready products then the others, for paper; one flat list, for a spreadsheet;
    how many are ready; how many there are)."""
    rows = readiness(db)
    ready = [r for r in rows if r.ready]
    waiting = [r for r in rows if not r.ready]
    yes, no = _("Siap"), _("Belum siap")
    grouped, flat = [], []
    for heading, members, status in (
            (_("Siap untuk toserba/marketplace ({n})").format(n=len(ready)), ready, yes),
            (_("Belum siap ({n})").format(n=len(waiting)), waiting, no)):
        if not members:
            continue
        grouped.append(group(heading))
        for r in members:
            cells = (r.product.name, _producer(r), _permit(r), _halal(r), _net_weight(r),
                     r.gtin, r.product.price)
            lacking = "; ".join(r.missing)
            grouped.append(data(*cells, lacking))
            flat.append(data(status, *cells[:2], _village(r), *cells[2:], lacking))
    summary = _("{ready} dari {n} produk siap").format(ready=len(ready), n=len(rows))
    if rows:
        grouped.append(total(summary, *([None] * 7)))
    columns = (Column(_("Izin edar"), weight=1.4), Column(_("Halal"), weight=1.4),
               Column(_("Berat bersih"), weight=0.7), Column(_("Barcode"), weight=1.1),
               Column(_("Harga (Rp)"), MONEY), Column(_("Yang kurang"), weight=2.2))
    empty = _("Belum ada produk UMKM (titipan atau yang punya data kelengkapan izin).")
    return (
        ReportTable((Column(_("Produk"), weight=2), Column(_("Produsen"), weight=1.2),
                     *columns), tuple(grouped), empty=empty),
        ReportTable((Column(_("Status")), Column(_("Produk"), weight=2),
                     Column(_("Produsen"), weight=1.2), Column(_("Desa/kelurahan")), *columns),
                    tuple(flat), sheet=_("Kesiapan produk"), empty=empty),
        len(ready), len(rows))


def write_readiness(db: Database, out, fmt: str = "pdf", *, printed_by: User) -> Path:
    """"Kesiapan produk untuk toserba/marketplace" as of now: the ready products with their
    permit, halal, net weight, barcode and price, then the others with what each lacks;
    pdf, xlsx or csv (one line per product)."""
    require(printed_by, "report.stock")
    at = now_iso()
    paper, flat, ready, count = readiness_tables(db)
    standard = ", ".join(standard_label(item) for item in get_standard(db))
    fields = Fields(((_("Syarat yang dipakai"), standard),
                     (_("Siap"), _("{ready} dari {n} produk").format(ready=ready, n=count))),
                    columns=1)
    note = Note(_("Produk UMKM = barang titipan dan produk gerai yang punya data kelengkapan"
                  " izin. Sertifikat halal yang sudah lewat masa berlakunya dihitung belum"
                  " ada. Barcode = GTIN/EAN dari GS1, bukan kode internal gerai."))
    document = Document(_("KESIAPAN PRODUK UNTUK TOSERBA/MARKETPLACE"), (fields, paper, note),
                        period=_as_of(db, at), landscape=True)
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=at, document=document, sheets=(flat,))


# --- the catalog of ready products ----------------------------------------------------------


def _catalog_target(db: Database, out, fmt: str) -> Path:
    if isinstance(out, str | os.PathLike) and str(out).strip() and Path(out).is_dir():
        day = local_date(now_iso(), get_settings(db).zone)
        out = Path(out) / f"katalog-siap-jual-{day:%Y%m%d}.{fmt}"
    return check_target(out)


def catalog_table(db: Database, folder_name: str) -> tuple[ReportTable, list[tuple[Path, str]]]:
    """The ready products as a partner's list, and (photo file, name in ``folder_name``)
    for each photo to copy beside it."""
    lines, photos = [], []
    for r in readiness(db):
        if not r.ready:
            continue
        c = r.compliance
        source = photo_path(db, c)
        photo = ""
        if source is not None:
            name = f"{r.sku}{source.suffix.lower()}"
            photos.append((source, name))
            photo = f"{folder_name}/{name}"
        lines.append(data(
            r.sku, r.product.name, _producer(r), _village(r), _net_weight(r), r.product.price,
            permit_kind_label(c.permit_kind) if c and c.permit_kind else "",
            c.permit_no if c else "", c.halal_no if c else "",
            c.halal_expires_on.isoformat() if c and c.halal_expires_on else "", photo))
    columns = (Column(_("SKU/barcode")), Column(_("Nama produk"), weight=2),
               Column(_("Produsen")), Column(_("Desa/kelurahan")),
               Column(_("Berat/isi bersih")), Column(_("Harga (Rp)"), MONEY),
               Column(_("Jenis izin")), Column(_("Nomor izin")),
               Column(_("Nomor sertifikat halal")), Column(_("Halal berlaku sampai")),
               Column(_("Berkas foto")))
    return ReportTable(columns, tuple(lines), sheet=_("Katalog"),
                       empty=_("Belum ada produk yang siap.")), photos


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def write_ready_catalog(db: Database, out, fmt: str = "xlsx", *, printed_by: User) -> Path:
    """The ready products as a file a retail buyer or a marketplace listing can take (xlsx
    or csv), with their photos copied into ``<name>_foto/`` beside it (the file's photo
    column names them relatively). ``out`` is the file, or a folder to put it in. Made in a
    temporary folder and renamed into place: a failure leaves nothing behind."""
    require(printed_by, "report.stock")
    fmt = check_format(fmt, ("xlsx", "csv"))
    target = _catalog_target(db, out, fmt)
    folder = target.parent / f"{target.stem}_foto"
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{path} sudah ada dan bukan folder: pilih nama berkas lain.").format(
            path=str(folder)), "path")
    table, photos = catalog_table(db, folder.name)
    at = now_iso()
    if fmt == "xlsx":
        content = workbook_bytes((table,), settings=get_settings(db),
                                 title=_("Katalog produk siap jual"), period=_as_of(db, at),
                                 printed_by=printed_by.full_name, printed_at=at)
    else:
        content = csv_bytes((table,))
    work = old = None
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        if photos:
            (work / "foto").mkdir()
            for source, name in photos:
                _write_synced(work / "foto" / name, source.read_bytes())
        _write_synced(work / target.name, content)
        if folder.exists():
            old = work / "old_foto"
            os.replace(folder, old)
        if photos:
            os.replace(work / "foto", folder)
        os.replace(work / target.name, target)
    except OSError as e:
        if old is not None and old.exists():
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(old, folder)
        raise UserError(_("Katalog tidak dapat disimpan ke {path}: {reason}").format(
            path=str(target), reason=e.strerror or type(e).__name__), "path") from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return target


# --- produk unggulan lokal ------------------------------------------------------------------


def _village_label(village: str) -> str:
    return village or _("(desa/kelurahan belum diisi)")


def _how(row: FlagshipRow) -> str:
    return _("titip jual") if row.consigned else _("beli putus")


def flagship_tables(db: Database, date_from: date, date_to: date
                    ) -> tuple[ReportTable, ReportTable, ReportTable]:
    """(by village with each producer's products and subtotals, for paper; one flat list;
    the best-selling products)."""
    rows = flagship_sales(db, date_from, date_to)
    villages: dict[str, list[FlagshipRow]] = {}
    for row in rows:
        villages.setdefault(row.village, []).append(row)
    order = sorted(villages, key=lambda v: (-sum(r.gross for r in villages[v]), v.lower()))
    grouped, flat = [], []
    for village in order:
        members = villages[village]
        label = _village_label(village)
        grouped.append(group(label))
        for r in members:
            cells = (r.producer_name, r.product_name, _how(r), r.unit, r.qty, r.gross, r.due)
            grouped.append(data(*cells))
            flat.append(data(label, *cells))
        producers = len({r.producer_id for r in members})
        grouped.append(subtotal(
            ngettext("Subtotal {village} ({n} produsen)", "Subtotal {village} ({n} produsen)",
                     producers).format(village=label, n=producers),
            None, None, None, None, sum(r.gross for r in members),
            sum(r.due or 0 for r in members)))
    if rows:
        sums = (sum(r.gross for r in rows), sum(r.due or 0 for r in rows))
        grouped.append(total(_("Total"), None, None, None, None, *sums))
        flat.append(total(_("Total"), None, None, None, None, None, *sums))
    columns = (Column(_("Produsen"), weight=1.4), Column(_("Produk"), weight=2.2),
               Column(_("Cara")), Column(_("Satuan")), Column(_("Terjual"), QTY),
               Column(_("Penjualan (Rp)"), MONEY), Column(_("Untuk produsen (Rp)"), MONEY))
    empty = _("Tidak ada penjualan produk UMKM pada periode ini.")
    return (ReportTable(columns, tuple(grouped), empty=empty),
            ReportTable((Column(_("Desa/kelurahan"), weight=1.2), *columns), tuple(flat),
                        sheet=_("Per desa"), empty=empty),
            _top_table(rows))


def _top_table(rows: list[FlagshipRow]) -> ReportTable:
    products: dict[str, list[FlagshipRow]] = {}
    for row in rows:
        products.setdefault(row.product_id, []).append(row)
    ranked = sorted(products.values(), key=lambda rs: (-sum(r.gross for r in rs),
                                                        rs[0].product_name.lower()))
    lines = []
    for rank, members in enumerate(ranked[:TOP_PRODUCTS], start=1):
        names = ", ".join(sorted({r.producer_name for r in members}))
        villages = ", ".join(sorted({_village_label(r.village) for r in members}))
        lines.append(data(str(rank), members[0].product_name, names, villages,
                          sum(r.qty for r in members), members[0].unit,
                          sum(r.gross for r in members)))
    return ReportTable(
        (Column(_("No.")), Column(_("Produk"), weight=2.2), Column(_("Produsen"), weight=1.4),
         Column(_("Desa/kelurahan"), weight=1.2), Column(_("Terjual"), QTY), Column(_("Satuan")),
         Column(_("Penjualan (Rp)"), MONEY)), tuple(lines),
        caption=_("Produk terlaris"), sheet=_("Terlaris"),
        empty=_("Tidak ada penjualan produk UMKM pada periode ini."))


def write_flagship(db: Database, out, fmt: str, date_from: date, date_to: date, *,
                   printed_by: User) -> Path:
    """"Produk unggulan lokal": what the local producers' goods sold between two shop days
    (both included), by village and producer with subtotals, then the best sellers; pdf,
    xlsx (a sheet by village and one of the best sellers) or csv (by village)."""
    require(printed_by, "report.stock")
    by_village, flat, top = flagship_tables(db, date_from, date_to)
    note = Note(_("Penjualan = yang dibayar pembeli, dikurangi retur. Titip jual dari buku"
                  " titipan (untuk produsen = bagiannya); beli putus = produk gerai yang"
                  " produsennya tercatat di kelengkapan izin."))
    document = Document(_("PRODUK UNGGULAN LOKAL"), (by_village, top, note),
                        period=period_text(date_from, date_to), landscape=True)
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=(flat, top))
