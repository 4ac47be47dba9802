"""The district hub's figures over a period, from the shops' mirrored books (``s_<table>``).

The hub keeps no balances: stock, savings and bon are sums of the movements the shops sent.
A period is a range of days, both included, and each shop's days are its own (its ``zone``
setting), so a shop in WIT and one in WIB are each cut at their own midnight — the same cut
the shop's own reports make, so the hub's figure for a shop equals the shop's.

Sales are sale lines' ``net_amount`` over sales of every kind: a return or a void carries
negative lines and counts on the day the goods came back, as in the shop's sales reports.

Reads only; the SIMKOPDES tables of the district are in :mod:`app.models.hub_simkopdes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.i18n import _
from app.models.clock import local_date, now_iso, zone
from app.models.db import Database
from app.models.errors import UserError
from app.models.hub_store import require_hub
from app.models.money import QTY_SCALE, amount, div_round_half_up
from app.models.program_goods import local_midnight_iso

#: A shop that sent no package for longer than this is flagged silent.
SILENT_DAYS = 14
#: The longest period a hub report covers.
MAX_DAYS = 366
SAVINGS_KINDS = ("pokok", "wajib", "sukarela")


# --- the period and the shops -------------------------------------------------------------


def _as_day(value, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise UserError(_("Tanggal laporan tidak valid."), field)


def check_period(first, last) -> tuple[date, date]:
    """The report's first and last day; refused when they are not days, reversed, or span
    more than :data:`MAX_DAYS`."""
    first, last = _as_day(first, "date_from"), _as_day(last, "date_to")
    if first > last:
        raise UserError(_("Tanggal awal laporan sesudah tanggal akhirnya."), "date_from")
    if (last - first).days + 1 > MAX_DAYS:
        raise UserError(_("Periode laporan paling panjang {days} hari.").format(days=MAX_DAYS),
                        "date_from")
    return first, last


@dataclass(frozen=True)
class HubShop:
    code: str
    name: str
    shop_id: str | None        # None until its first package is imported
    zone: str
    registered_at: str
    last_package_at: str | None
    last_import_at: str | None

    def bounds(self, first: date, last: date) -> tuple[str, str]:
        """[start, end) of the shop's days ``first``..``last`` as stored UTC text."""
        return (local_midnight_iso(first, self.zone),
                local_midnight_iso(last + timedelta(days=1), self.zone))


def hub_shops(db: Database) -> list[HubShop]:
    """Every registered shop by code, with its name and zone as its own settings say."""
    require_hub(db)
    rows = db.query(
        "SELECT h.code, h.shop_id, h.registered_at, h.last_package_at, h.last_import_at,"
        " coalesce(nullif((SELECT value FROM s_settings s WHERE s.shop_id = h.shop_id"
        "  AND s.key = 'shop_name'), ''), h.name) AS name,"
        " (SELECT value FROM s_settings s WHERE s.shop_id = h.shop_id AND s.key = 'zone')"
        "  AS zone FROM hub_shops h ORDER BY h.code")
    return [HubShop(r["code"], r["name"] or "", r["shop_id"], r["zone"] or "WIB",
                    r["registered_at"], r["last_package_at"], r["last_import_at"])
            for r in rows]


def _with_data(db: Database) -> list[HubShop]:
    return [s for s in hub_shops(db) if s.shop_id]


# --- active shops ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopActivity:
    shop: HubShop
    packages: int               # packages imported, all time
    sales: int                  # net sales in the period, rupiah
    transactions: int           # sales made in the period (returns and voids not counted)
    silent_days: int | None     # days since the last package; None: never sent one

    @property
    def silent(self) -> bool:
        return self.silent_days is None or self.silent_days > SILENT_DAYS


def active_shops(db: Database, first, last, *, now: str | None = None) -> list[ShopActivity]:
    """Every registered shop: its packages, its sales in the period, and how long ago
    (in the shop's days, up to ``now``) its last package was made."""
    first, last = check_period(first, last)
    now = now or now_iso()
    packages = dict(db.query("SELECT shop_code, count(*) FROM hub_packages GROUP BY 1"))
    found = []
    for shop in hub_shops(db):
        sales = count = 0
        if shop.shop_id:
            start, end = shop.bounds(first, last)
            row = db.one(
                "SELECT coalesce(sum(l.net_amount), 0) FROM s_sales s JOIN s_sale_lines l"
                " ON l.shop_id = s.shop_id AND l.sale_id = s.id WHERE s.shop_id = ?"
                " AND s.created_at >= ? AND s.created_at < ?", (shop.shop_id, start, end))
            sales = row[0]
            count = db.scalar("SELECT count(*) FROM s_sales WHERE shop_id = ? AND kind = 'sale'"
                              " AND created_at >= ? AND created_at < ?",
                              (shop.shop_id, start, end))
        silent = None
        if shop.last_package_at:
            silent = max(0, (local_date(now, shop.zone)
                             - local_date(shop.last_package_at, shop.zone)).days)
        found.append(ShopActivity(shop, packages.get(shop.code, 0), sales, count, silent))
    return found


# --- sales by shop, month and category ------------------------------------------------------


@dataclass(frozen=True)
class MonthCategorySales:
    shop: HubShop
    month: str                  # 2026-11, in the shop's zone
    category: str               # "" with consigned: all consigned goods together
    consigned: bool
    sales: int
    cogs: int

    @property
    def margin(self) -> int:
        return self.sales - self.cogs


def _shift(zone_name: str) -> str:
    offset = zone(zone_name).utcoffset(None)
    return f"{offset // timedelta(minutes=1):+d} minutes"


def sales_by_month(db: Database, first, last) -> list[MonthCategorySales]:
    """Net sales and their cost per shop, month and category (consigned goods one line per
    month, as the shop's monthly report shows them)."""
    first, last = check_period(first, last)
    found = []
    for shop in _with_data(db):
        start, end = shop.bounds(first, last)
        rows = db.query(
            "SELECT strftime('%Y-%m', s.created_at, ?) AS month, p.consigned AS consigned,"
            " CASE WHEN p.consigned THEN '' ELSE p.category END AS category,"
            " sum(l.net_amount) AS sales, sum(l.cost) AS cogs"
            " FROM s_sales s JOIN s_sale_lines l ON l.shop_id = s.shop_id AND l.sale_id = s.id"
            " JOIN s_products p ON p.shop_id = l.shop_id AND p.id = l.product_id"
            " WHERE s.shop_id = ? AND s.created_at >= ? AND s.created_at < ?"
            " GROUP BY 1, 2, 3", (_shift(shop.zone), shop.shop_id, start, end))
        rows = sorted(rows, key=lambda r: (r["month"], bool(r["consigned"]), not r["category"],
                                           r["category"].lower()))
        found += [MonthCategorySales(shop, r["month"], r["category"], bool(r["consigned"]),
                                     r["sales"], r["cogs"]) for r in rows]
    return found


# --- members and savings --------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSavings:
    shop: HubShop
    active: int
    inactive: int
    left: int
    savings: dict[str, int]     # pokok, wajib, sukarela: balance at the period's end
    bon: int                    # members' bon outstanding at the period's end

    @property
    def members(self) -> int:
        return self.active + self.inactive + self.left

    @property
    def savings_total(self) -> int:
        return sum(self.savings.values())


def members_savings(db: Database, first, last) -> list[MemberSavings]:
    """Per shop: members registered by the period's end by their status now, savings by
    kind and bon outstanding at the end of the period's last day."""
    first, last = check_period(first, last)
    found = []
    for shop in _with_data(db):
        _start, end = shop.bounds(first, last)
        status = dict(db.query(
            "SELECT status, count(*) FROM s_members WHERE shop_id = ?"
            " AND coalesce(joined_on, '') <= ? GROUP BY 1", (shop.shop_id, last.isoformat())))
        savings = dict.fromkeys(SAVINGS_KINDS, 0)
        for kind, total in db.query(
                "SELECT kind, sum(amount) FROM s_savings_movements WHERE shop_id = ?"
                " AND created_at < ? GROUP BY 1", (shop.shop_id, end)):
            savings[kind] = savings.get(kind, 0) + total
        bon = db.scalar("SELECT coalesce(sum(amount), 0) FROM s_member_credit_movements"
                        " WHERE shop_id = ? AND created_at < ?", (shop.shop_id, end))
        found.append(MemberSavings(shop, status.get("active", 0), status.get("inactive", 0),
                                   status.get("left", 0), savings, bon))
    return found


# --- local producers: consignment and UMKM --------------------------------------------------


@dataclass(frozen=True)
class ProducerSales:
    shop: HubShop
    village: str
    producer: str
    product: str
    unit: str
    consigned: bool             # titip jual; else the shop's own goods from this producer
    qty: int                    # base-unit thousandths, net of returns
    gross: int                  # what customers paid
    due: int | None             # what the producer is owed for it (consigned goods only)


def producer_sales(db: Database, first, last) -> list[ProducerSales]:
    """Local producers' goods sold, per shop, village, producer and product: consigned goods
    from the consignment ledger (sales less customers' returns), and the shop's own goods
    whose compliance record names the producer — as the shop's produk unggulan report."""
    first, last = check_period(first, last)
    found = []
    for shop in _with_data(db):
        start, end = shop.bounds(first, last)
        args = (shop.shop_id, start, end)
        consigned = db.query(
            "SELECT c.village, c.name, p.name, p.base_unit, 1, -sum(m.qty), sum(m.gross),"
            " sum(m.due) FROM s_consignment_movements m JOIN s_consignors c"
            " ON c.shop_id = m.shop_id AND c.id = m.consignor_id JOIN s_products p"
            " ON p.shop_id = m.shop_id AND p.id = m.product_id WHERE m.shop_id = ?"
            " AND m.kind IN ('sale', 'sale_return') AND m.created_at >= ? AND m.created_at < ?"
            " GROUP BY c.id, p.id", args)
        bought = db.query(
            "SELECT c.village, c.name, p.name, p.base_unit, 0, sum(l.base_qty),"
            " sum(l.net_amount), NULL FROM s_sales s JOIN s_sale_lines l"
            " ON l.shop_id = s.shop_id AND l.sale_id = s.id JOIN s_product_compliance pc"
            " ON pc.shop_id = l.shop_id AND pc.product_id = l.product_id JOIN s_consignors c"
            " ON c.shop_id = pc.shop_id AND c.id = pc.producer_id JOIN s_products p"
            " ON p.shop_id = l.shop_id AND p.id = l.product_id WHERE s.shop_id = ?"
            " AND s.created_at >= ? AND s.created_at < ? AND NOT EXISTS (SELECT 1 FROM"
            " s_consignment_movements m WHERE m.shop_id = l.shop_id AND m.sale_line_id = l.id)"
            " GROUP BY c.id, p.id", args)
        rows = [ProducerSales(shop, *r[:4], bool(r[4]), *r[5:]) for r in (*consigned, *bought)]
        found += sorted(rows, key=lambda r: (r.village.lower(), r.producer.lower(),
                                             r.product.lower(), not r.consigned))
    return found


# --- program goods against HET --------------------------------------------------------------


@dataclass(frozen=True)
class ProgramGoodsSales:
    shop: HubShop
    program: str
    product: str
    unit: str                   # the base unit
    qty: int                    # base-unit thousandths, net of returns
    amount: int                 # rupiah, net of returns
    het: int | None             # the product's HET per base unit now
    above_het: int              # sale lines of the period sold above their HET

    @property
    def average_price(self) -> int | None:
        """Rupiah per base unit, rounded; None when nothing (net) was sold."""
        return div_round_half_up(self.amount * QTY_SCALE, self.qty) if self.qty > 0 else None


@dataclass(frozen=True)
class AboveHet:
    shop: HubShop
    day: date                   # the shop's day
    number: str                 # the sale's number
    program: str
    product: str
    unit: str                   # the unit sold
    qty: int                    # thousandths of that unit
    unit_price: int
    het: int                    # the cap of that unit at the sale


def _program_lines(db: Database, shop: HubShop, start: str, end: str) -> list:
    return db.query(
        "SELECT s.number, s.created_at, p.id AS product_id, p.program, p.name, p.base_unit,"
        " p.het AS product_het, l.unit_name, l.qty, l.base_qty, l.factor, l.unit_price,"
        " l.het, l.net_amount FROM s_sales s JOIN s_sale_lines l ON l.shop_id = s.shop_id"
        " AND l.sale_id = s.id JOIN s_products p ON p.shop_id = l.shop_id"
        " AND p.id = l.product_id WHERE s.shop_id = ? AND p.program <> ''"
        " AND s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at, s.number,"
        " l.line_no", (shop.shop_id, start, end))


def _line_cap(line) -> int | None:
    """The cap of the unit sold: written on the line at the sale, or (sold before the
    product had a HET) today's HET for that unit."""
    if line["het"] is not None:
        return line["het"]
    return None if line["product_het"] is None else amount(line["product_het"], line["factor"])


def program_goods(db: Database, first, last) -> tuple[list[ProgramGoodsSales], list[AboveHet]]:
    """Program goods (``products.program``) sold per shop and product, and every sale line
    of the period priced above its HET."""
    first, last = check_period(first, last)
    totals, above = [], []
    for shop in _with_data(db):
        start, end = shop.bounds(first, last)
        products = {r["id"]: r for r in db.query(
            "SELECT id, program, name, base_unit, het FROM s_products WHERE shop_id = ?"
            " AND program <> '' ORDER BY program COLLATE NOCASE, name COLLATE NOCASE, id",
            (shop.shop_id,))}
        sums = {pid: [0, 0, 0] for pid in products}
        for line in _program_lines(db, shop, start, end):
            figures = sums.setdefault(line["product_id"], [0, 0, 0])
            figures[0] += line["base_qty"]
            figures[1] += line["net_amount"]
            cap = _line_cap(line)
            if line["qty"] > 0 and cap is not None and line["unit_price"] > cap:
                figures[2] += 1
                above.append(AboveHet(shop, local_date(line["created_at"], shop.zone),
                                      line["number"], line["program"], line["name"],
                                      line["unit_name"], line["qty"], line["unit_price"], cap))
        for pid, p in products.items():
            qty, paid, over = sums[pid]
            totals.append(ProgramGoodsSales(shop, p["program"], p["name"], p["base_unit"], qty,
                                            paid, p["het"], over))
    return totals, above


@dataclass(frozen=True)
class ProgramStock:
    shop: HubShop
    program: str
    product: str
    unit: str
    qty: int                    # base-unit thousandths on hand at the period's end
    value: int                  # at cost, rupiah


def program_stock(db: Database, first, last) -> list[ProgramStock]:
    """Each shop's stock of its program goods at the end of the period's last day: the sum
    of its stock movements until then."""
    first, last = check_period(first, last)
    found = []
    for shop in _with_data(db):
        _start, end = shop.bounds(first, last)
        found += [ProgramStock(shop, *r) for r in db.query(
            "SELECT p.program, p.name, p.base_unit, coalesce(sum(m.qty), 0),"
            " coalesce(sum(m.value), 0) FROM s_products p LEFT JOIN s_stock_movements m"
            " ON m.shop_id = p.shop_id AND m.product_id = p.id AND m.created_at < ?"
            " WHERE p.shop_id = ? AND p.program <> '' AND p.consigned = 0 GROUP BY p.id"
            " ORDER BY p.program COLLATE NOCASE, p.name COLLATE NOCASE, p.id",
            (end, shop.shop_id))]
    return found
