"""SIMKOPDES: the gerai's data over a period in the shapes of the national village-cooperative
information system's tables (``produk_koperasi``, ``barang_keluar_produk`` …).

No official import specification is public yet; the tables and their fields follow the
cooperative ministry's published dataset, and every column is listed, with where it comes
from, in ``docs/simkopdes.md``. When the real specification appears, only this module and
that page change. Column names and status codes are fixed machine words (not translated):
an import at the ministry must not depend on the language a shop uses.

Everything is read inside one snapshot, as at the end of the period's last day (stock,
whether a receipt's invoice is paid, whether a sale was voided later). Members' NIK leave
this module only masked (``1871**********01``) with the region code (its first six
digits) beside it; the full NIK goes to the district only inside the encrypted sync
package. Phone numbers are not exported at all.

Reads only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.models import members as member_register
from app.models import personal
from app.models.clock import from_iso, now_iso, zone
from app.models.db import Database
from app.models.member_settings import get_member_settings
from app.models.money import QTY_SCALE, div_round_half_up
from app.models.report_daily import _read_snapshot as read_snapshot
from app.models.report_sales import check_period
from app.models.settings import get_settings
from app.models.stock_views import day_bounds

#: What each column holds: text, whole rupiah, a quantity (thousandths in a row, a decimal
#: of the product's unit in a file), a whole number, a day, a moment in the shop's time.
TEXT, MONEY, QTY, COUNT, DATE, DATETIME = "text", "money", "qty", "count", "date", "datetime"
#: Written into ``gerai_koperasi`` so the receiving side knows which shape it reads.
FORMAT_VERSION = "gerai-simkopdes-1"
OUTLET_TYPE = "Gerai Sembako"
#: Our codes as the export writes them.
SALE_KINDS = {"sale": "penjualan", "return": "retur", "void": "batal"}
METHODS = (("cash", "tunai"), ("qris", "qris"), ("transfer", "transfer"), ("bon", "bon"),
           ("deposit", "uang_muka"))
MEMBER_STATUS = {"active": "aktif", "inactive": "tidak_aktif", "left": "keluar"}
SAVINGS_METHODS = {"cash": "tunai", "transfer": "transfer"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One SIMKOPDES table: ``rows`` are tuples in column order; numbers are ints (money in
    rupiah, quantities in thousandths), days ``date``, moments ``datetime`` in the shop's
    zone, and None an empty cell."""

    name: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple]


def _columns(*spec: str) -> tuple[Column, ...]:
    """``"name:kind"`` (kind text when left out) → columns."""
    return tuple(Column(*item.split(":")) if ":" in item else Column(item) for item in spec)


OUTLET = _columns("kode_gerai", "nama_gerai", "jenis_gerai", "nama_koperasi", "alamat",
                  "zona_waktu", "periode_awal:date", "periode_akhir:date",
                  "dibuat_pada:datetime", "versi_format")
PRODUCTS = _columns("id_produk", "barcode", "nama_produk", "merek", "kategori", "satuan",
                    "harga_jual:money", "het:money", "barang_titipan:count", "status")
INVENTORY = _columns("id_produk", "barcode", "nama_produk", "satuan", "stok_akhir:qty",
                     "nilai_stok:money", "stok_titipan:qty", "tanggal_stok:date")
GOODS_IN = _columns("nomor_penerimaan", "id_produk", "barcode", "nama_produk", "satuan",
                    "jumlah_masuk:qty", "jumlah_tersedia:qty", "harga_beli:money",
                    "harga_jual:money", "total_biaya:money", "pemasok", "keterangan",
                    "kedaluwarsa:date", "status", "tanggal_masuk:datetime")
GOODS_OUT = _columns("nomor_transaksi", "nomor_baris:count", "id_produk", "nama_produk",
                     "satuan_jual", "jumlah_jual:qty", "harga_satuan:money", "diskon:money",
                     "total:money", "satuan", "jumlah_keluar:qty", "status",
                     "tanggal_keluar:datetime")
SALES = _columns("nomor_transaksi", "jenis", "nomor_asal", "nomor_anggota", "nama_pelanggan",
                 "dibuat_pada:datetime", "subtotal:money", "diskon:money", "total_bayar:money",
                 *(f"bayar_{code}:money" for _method, code in METHODS), "metode_bayar",
                 "status")
MEMBERS = _columns("nomor_anggota", "nama", "nik", "kode_wilayah", "jenis_kelamin", "desa",
                   "pekerjaan", "status_keanggotaan", "tanggal_daftar:date",
                   "tanggal_keluar:date")
SAVINGS = _columns("nomor_anggota", "nomor_bukti", "jenis_simpanan", "periode", "jumlah:money",
                   "status", "cara_bayar", "tanggal_bayar:datetime")


def simkopdes_tables(db: Database, date_from: date, date_to: date) -> list[Table]:
    """The eight tables for the shop's days ``date_from``..``date_to`` (both included), in
    the order the documentation lists them. A reversed period or one that ends after today
    is refused (UserError); so is a database whose personal-data key is missing while
    members have a NIK (the region code cannot be read)."""
    first, last = check_period(db, date_from, date_to)
    start, end = day_bounds(db, first, last)
    # One converter for every table: a sale's lines and the sale share their moment.
    moment = _Moments(get_settings(db).zone)
    with read_snapshot(db):
        products = _product_rows(db, end)
        catalog = {row[0]: row for row in products}
        own = _stock_at(db, end)
        return [
            _outlet(db, first, last, moment),
            Table("produk_koperasi", PRODUCTS, products),
            Table("inventaris_produk", INVENTORY, _inventory(db, products, own, end, last)),
            Table("barang_masuk_produk", GOODS_IN, _goods_in(db, catalog, own, start, end,
                                                             moment)),
            Table("barang_keluar_produk", GOODS_OUT, _goods_out(db, start, end, moment)),
            Table("transaksi_penjualan", SALES, _sales(db, start, end, moment)),
            Table("anggota_koperasi", MEMBERS, _members(db, last)),
            Table("simpanan_anggota", SAVINGS, _savings(db, first, last, start, end, moment)),
        ]


def _tuples(db: Database, sql: str, params=()) -> list[tuple]:
    """Rows as plain tuples: a year of sale lines reads much faster than as sqlite3.Row."""
    cursor = db.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params).fetchall()


class _Moments:
    """Stored UTC text → the shop's local time (a fixed offset: no daylight saving). The
    lines of one sale share their moment: each is converted once."""

    def __init__(self, zone_name: str):
        self.zone = zone(zone_name)
        self.seen: dict[str, datetime] = {}

    def __call__(self, iso: str | None) -> datetime | None:
        if not iso:
            return None
        found = self.seen.get(iso)
        if found is None:
            found = self.seen[iso] = from_iso(iso).astimezone(self.zone)
        return found


def _outlet(db: Database, first: date, last: date, moment: _Moments) -> Table:
    s = get_settings(db)
    return Table("gerai_koperasi", OUTLET, [(
        s.shop_code, s.shop_name, OUTLET_TYPE, s.cooperative_name, s.address, s.zone, first,
        last, moment(now_iso()), FORMAT_VERSION)])


def _product_rows(db: Database, end: str) -> list[tuple]:
    """Every product that existed by the end of the period, archived ones too (their sales
    are in the period), by name. Price and status are today's: no history is kept."""
    return _tuples(db, (
        "SELECT p.id, coalesce(b.code, ''), p.name, p.brand, p.category, p.base_unit, p.price,"
        " p.het, p.consigned, CASE WHEN p.archived THEN 'diarsipkan' ELSE 'aktif' END"
        " FROM products p LEFT JOIN (SELECT product_id, min(code) AS code FROM barcodes"
        "  WHERE unit_id IS NULL GROUP BY product_id) b ON b.product_id = p.id"
        " WHERE p.created_at < ? ORDER BY p.name COLLATE NOCASE, p.id"), (end,))


def _stock_at(db: Database, end: str) -> dict[str, tuple[int, int]]:
    """Each product's own stock and its value at ``end``, from the ledger. NOT INDEXED:
    reading the whole ledger in order and grouping is faster than going through the
    product index, which visits every row in another order."""
    return {r[0]: (r[1], r[2]) for r in _tuples(db, (
        "SELECT product_id, sum(qty), sum(value) FROM stock_movements NOT INDEXED"
        " WHERE created_at < ? GROUP BY product_id"), (end,))}


def _inventory(db: Database, products: list[tuple], own: dict, end: str, last: date
               ) -> list[tuple]:
    consigned = dict(_tuples(db, "SELECT product_id, sum(qty) FROM consignment_movements"
                                 " WHERE created_at < ? GROUP BY product_id", (end,)))
    return [(p[0], p[1], p[2], p[5], *own.get(p[0], (0, 0)), consigned.get(p[0], 0), last)
            for p in products]


def _goods_in(db: Database, catalog: dict, own: dict, start: str, end: str,
              moment: _Moments) -> list[tuple]:
    """Goods receipt lines of the period. ``jumlah_tersedia``: what of the line is still on
    the shelf at the period's end, first in first out (the product's stock then belongs to
    its newest receipts). The buying price is per base unit with the line's share of the
    freight, rounded to the rupiah; the total is exact."""
    lines = _tuples(db, (
        "SELECT r.number, l.product_id, l.base_qty, l.amount + l.freight, s.name, r.note,"
        " l.expiry, r.created_at, r.total, i.amount,"
        " (SELECT coalesce(sum(p.amount), 0) FROM supplier_payments p"
        "   WHERE p.invoice_id = i.id AND p.created_at < ?)"
        " FROM goods_receipts r JOIN goods_receipt_lines l ON l.receipt_id = r.id"
        " JOIN suppliers s ON s.id = r.supplier_id"
        " LEFT JOIN supplier_invoices i ON i.receipt_id = r.id"
        " WHERE r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.number,"
        " l.line_no"), (end, start, end))
    on_shelf = {k: qty for k, (qty, _value) in own.items()}
    available = [0] * len(lines)
    for n in range(len(lines) - 1, -1, -1):      # newest first
        product_id, qty = lines[n][1], lines[n][2]
        left = on_shelf.get(product_id, 0)
        available[n] = max(0, min(qty, left))
        on_shelf[product_id] = left - qty
    rows = []
    for (number, product_id, qty, cost, supplier, note, expiry, at, total, invoiced, paid), \
            free in zip(lines, available, strict=True):
        product = catalog.get(product_id)
        status = ("lunas" if not total or (invoiced and paid >= invoiced)
                  else "sebagian" if paid else "belum_lunas")
        rows.append((number, product_id, product[1] if product else "",
                     product[2] if product else "", product[5] if product else "", qty, free,
                     div_round_half_up(cost * QTY_SCALE, qty), product[6] if product else 0,
                     cost, supplier, note, date.fromisoformat(expiry) if expiry else None,
                     status, moment(at)))
    return rows


def _goods_out(db: Database, start: str, end: str, moment: _Moments) -> list[tuple]:
    """Every sale line of the period, returns and voids as their own negative lines."""
    return [(*r[:-1], moment(r[-1])) for r in _tuples(db, (
        "SELECT s.number, l.line_no, l.product_id, l.name, l.unit_name, l.qty, l.unit_price,"
        " l.discount + l.amount - l.net_amount, l.net_amount, p.base_unit, l.base_qty,"
        " CASE s.kind WHEN 'sale' THEN 'terjual' WHEN 'return' THEN 'retur' ELSE 'batal' END,"
        " s.created_at FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
        " JOIN products p ON p.id = l.product_id"
        " WHERE s.created_at >= ? AND s.created_at < ?"
        " ORDER BY s.created_at, s.number, l.line_no"), (start, end))]


def _sales(db: Database, start: str, end: str, moment: _Moments) -> list[tuple]:
    """Sales, returns and voids of the period, each with what was paid by each method. A
    sale's status is as at the period's end: voided, partly returned, or done."""
    paid: dict[str, list[int]] = {}
    column = {method: i for i, (method, _code) in enumerate(METHODS)}
    for sale_id, method, amount in _tuples(db, (
            "SELECT p.sale_id, p.method, p.amount FROM sales s JOIN payments p"
            " ON p.sale_id = s.id WHERE s.created_at >= ? AND s.created_at < ?"), (start, end)):
        paid.setdefault(sale_id, [0] * len(METHODS))[column[method]] += amount
    reversed_by = dict(_tuples(db, (
        "SELECT original_id, max(kind = 'void') FROM sales WHERE original_id IS NOT NULL"
        " AND created_at < ? GROUP BY original_id"), (end,)))
    nothing = [0] * len(METHODS)
    rows = []
    for (sale_id, number, kind, original, member_no, member_name, at, subtotal, discount,
         total) in _tuples(db, (
            "SELECT s.id, s.number, s.kind, coalesce(o.number, ''), coalesce(m.number, ''),"
            " coalesce(m.name, ''), s.created_at, s.subtotal, s.cart_discount, s.total"
            " FROM sales s LEFT JOIN sales o ON o.id = s.original_id"
            " LEFT JOIN members m ON m.id = s.member_id"
            " WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at, s.number"),
            (start, end)):
        if kind != "sale":
            status = SALE_KINDS[kind]
        else:
            voided = reversed_by.get(sale_id)
            status = ("selesai" if voided is None else "dibatalkan" if voided
                      else "diretur_sebagian")
        amounts = paid.get(sale_id, nothing)
        methods = ",".join(code for (_m, code), amount in zip(METHODS, amounts, strict=True)
                           if amount)
        rows.append((number, SALE_KINDS[kind], original, member_no, member_name or "Umum",
                     moment(at), subtotal, discount, total, *amounts, methods, status))
    return rows


def _members(db: Database, last: date) -> list[tuple]:
    """Members registered by the period's end, by number, with their status today. The
    NIK is opened here only to mask it and take its region (province, regency, district)."""
    rows = db.query("SELECT id, number, name, sex, village, occupation, status, joined_on,"
                    " left_on, nik_sealed IS NOT NULL AS has_nik FROM members"
                    " WHERE coalesce(joined_on, '') <= ? ORDER BY number", (last.isoformat(),))
    sealed = [r["id"] for r in rows if r["has_nik"]]
    niks = {k: v.nik for k, v in member_register.personal_values(db, sealed).items()}
    found = []
    for r in rows:
        nik = niks.get(r["id"], "")
        found.append((r["number"], r["name"], personal.mask_nik(nik) if nik else "", nik[:6],
                      r["sex"], r["village"], r["occupation"],
                      MEMBER_STATUS.get(r["status"], r["status"]),
                      date.fromisoformat(r["joined_on"]) if r["joined_on"] else None,
                      date.fromisoformat(r["left_on"]) if r["left_on"] else None))
    return found


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _savings(db: Database, first: date, last: date, start: str, end: str,
             moment: _Moments) -> list[tuple]:
    """Savings paid in and taken out in the period, and each month of the period whose
    simpanan wajib a member owed and had not paid by its end (from the month they joined;
    not for members who had left by then), at today's monthly amount."""
    rows = []
    for number, receipt, kind, period, amount, method, at in _tuples(db, (
            "SELECT m.number, s.number, s.kind, s.period, s.amount, s.method, s.created_at"
            " FROM savings_movements s JOIN members m ON m.id = s.member_id"
            " WHERE s.created_at >= ? AND s.created_at < ?"), (start, end)):
        rows.append((number, receipt, kind, period or moment(at).date().isoformat(),
                     amount, "lunas" if amount > 0 else "ditarik", SAVINGS_METHODS[method],
                     moment(at)))
    wajib = get_member_settings(db).wajib_amount
    if wajib > 0:
        paid = {(r[0], r[1]) for r in _tuples(db, (
            "SELECT member_id, period FROM savings_movements WHERE kind = 'wajib'"
            " AND created_at < ? GROUP BY member_id, period HAVING sum(amount) > 0"), (end,))}
        months = _months(first, last)
        for member_id, number, joined in _tuples(db, (
                "SELECT id, number, joined_on FROM members"
                " WHERE joined_on <= ? AND (status <> 'left' OR left_on > ?)"),
                (last.isoformat(), last.isoformat())):
            rows.extend((number, "", "wajib", month, wajib, "belum_lunas", "", None)
                        for month in months
                        if month >= joined[:7] and (member_id, month) not in paid)
    rows.sort(key=lambda r: (r[0], r[2], r[3], r[7] is None, r[1]))
    return rows

