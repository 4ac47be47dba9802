"""The demo shop's buying: distributors, weekly purchase orders sized to what the coming week
sells, goods receipts (now and then in two deliveries), invoices paid by their due date,
members' pre-orders — through the same domain calls the manager's screens make."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from app.models import payables, preorders, purchasing, receiving, stock, stock_count
from app.models.clock import ZONES, frozen_clock, local_date, now_iso
from app.models.db import Database
from app.models.money import QTY_SCALE, amount
from app.models.products import ProductInput
from app.models.suppliers import SupplierInput, create_supplier
from app.models.users import User

#: Distributors of the demo shop and the categories each delivers. Fresh produce is bought
#: at the market and stays outside purchasing.
DISTRIBUTORS = (
    (SupplierInput(name="Perum BULOG Kancab Lampung", contact="Bagian Penjualan",
                   phone="0721 702 118", address="Jl. Soekarno-Hatta, Bandar Lampung",
                   bank_name="BRI", bank_account="0059-01-000771-30-2",
                   bank_holder="Perum BULOG", terms_days=0, lead_days=2),
     {"Beras"}),
    (SupplierInput(name="CV Sinar Pangan Lampung", contact="Bu Yuliana",
                   phone="0812 7788 4411", address="Jl. Pramuka 21, Rajabasa",
                   bank_name="BNI", bank_account="0288 114 509", bank_holder="CV Sinar Pangan",
                   terms_days=14, lead_days=3),
     {"Minyak Goreng", "Gula", "Tepung", "Telur", "Susu", "Bumbu", "Makanan Kaleng"}),
    (SupplierInput(name="PT Mitra Gas Natar (agen LPG)", contact="Pak Darmawan",
                   phone="0813 6900 2121", address="Jl. Raya Natar Km 19",
                   bank_name="Mandiri", bank_account="114-00-0987654-3",
                   bank_holder="PT Mitra Gas Natar", terms_days=0, lead_days=1),
     {"LPG", "Bahan Bakar"}),
    (SupplierInput(name="UD Grosir Tanjung Karang", contact="Koh Ahong",
                   phone="0721 255 780", address="Pasar Bawah Blok B 12, Tanjung Karang",
                   bank_name="BRI", bank_account="0101-01-003344-50-9",
                   bank_holder="UD Grosir Tanjung Karang", terms_days=30, lead_days=5),
     {"Mie Instan", "Minuman", "Kebersihan", "Makanan Ringan"}),
    (SupplierInput(name="Kios Pupuk Lengkap Natar", contact="Pak Sarjono",
                   phone="0852 6912 3030", address="Jl. Pasar Natar 4",
                   bank_name="BSI", bank_account="7150 223 991", bank_holder="KPL Natar",
                   terms_days=0, lead_days=7),
     {"Pupuk"}),
)
WEEK = 7
#: Days from delivery to the best-before date, by category (goods without one have none).
SHELF_LIFE = {"Susu": 45, "Tepung": 120, "Bumbu": 180, "Makanan Kaleng": 365, "Telur": 21}
MONTH = 30
#: Only the staple goods (the first items of the demo catalog) are bought in the history.
STAPLE_NAMES = 34


def supplier_of(item: ProductInput) -> int | None:
    for index, (_supplier, categories) in enumerate(DISTRIBUTORS):
        if item.category in categories:
            return index
    return None


def _pack(item: ProductInput) -> int:
    """What one ordered pack holds: the largest packaging unit, else one base unit."""
    return max((u.factor for u in item.units), default=QTY_SCALE)


@dataclass
class BuyingPlan:
    """Per week, per catalog item: the base quantity to buy before that week's sales."""

    weekly: list[dict[int, int]] = field(default_factory=list)


def plan_buying(items: list[ProductInput], stocked: list[ProductInput], plan,
                rng: random.Random) -> tuple[list[ProductInput], BuyingPlan]:
    """``items`` as the catalog has them, ``stocked`` with opening stock for the whole plan.
    What distributors supply opens with its shelf stock plus the first week's sales, and
    every later week is bought (in whole packs) before it begins; the rest stays stocked."""
    weeks = max((len(plan) + WEEK - 1) // WEEK, 1)
    demand = [[0] * len(items) for _ in range(weeks)]
    for day, sales in enumerate(plan):
        for sale in sales:
            for line in sale:
                item = items[line.item]
                factor = item.units[line.pack].factor if line.pack is not None else QTY_SCALE
                demand[day // WEEK][line.item] += line.qty * factor // QTY_SCALE
    buying = BuyingPlan([{} for _ in range(weeks)])
    adjusted = []
    for index, (item, full) in enumerate(zip(items, stocked, strict=True)):
        if supplier_of(item) is None or index >= STAPLE_NAMES:
            adjusted.append(full)
            continue
        pack = _pack(item)
        for week in range(1, weeks):
            if demand[week][index]:
                buying.weekly[week][index] = -(-demand[week][index] // pack) * pack
        shelf = item.opening_stock + rng.randint(0, 6) * QTY_SCALE
        adjusted.append(replace(item, opening_stock=demand[0][index] + shelf))
    return adjusted, buying


def _at(midnight_utc: datetime, zone: str, hours: float) -> datetime:
    return midnight_utc - ZONES[zone].utcoffset(None) + timedelta(hours=hours)


class DemoBuyer:
    """Plays the buying plan into the history, a week at a time."""

    def __init__(self, db: Database, *, rng: random.Random, manager: User, treasurer: User,
                 clerk: User, items: list[ProductInput], product_ids: list[str],
                 buying: BuyingPlan, zone: str):
        self.db, self.rng, self.manager, self.treasurer = db, rng, manager, treasurer
        self.clerk = clerk
        self.items, self.product_ids, self.buying, self.zone = items, product_ids, buying, zone
        self.suppliers = [create_supplier(db, user=manager, data=data)
                          for data, _categories in DISTRIBUTORS]

    def before_day(self, day: int, midnight: datetime) -> None:
        """Thursday: order next week; Sunday evening: receive it; pay what falls due; the
        last morning of a month, count the staple goods."""
        if (day + 1) % MONTH == 0:   # the last day of a month, before the shop opens
            with frozen_clock(_at(midnight, self.zone, 6)):
                self._count_staples()
        week, weekday = divmod(day, WEEK)
        if weekday == 3 and week + 1 < len(self.buying.weekly):
            with frozen_clock(_at(midnight, self.zone, 6.5)):
                self._order(week + 1)
        if weekday == 0 and week >= 1:
            with frozen_clock(_at(midnight, self.zone, -4.5)):   # Sunday 19:30
                self._receive(week, first=True)
            with frozen_clock(_at(midnight, self.zone, 6.8)):
                self._receive(week, first=False)
                self._pay_due(local_date(now_iso(), self.zone))

    def _order(self, week: int) -> None:
        by_supplier: dict[int, list] = {}
        for index, qty in sorted(self.buying.weekly[week].items()):
            item = self.items[index]
            unit = max(item.units, key=lambda u: u.factor) if item.units else None
            factor = unit.factor if unit else QTY_SCALE
            unit_id = None
            if unit is not None:
                unit_id = self.db.scalar(
                    "SELECT id FROM product_units WHERE product_id = ? AND name = ?",
                    (self.product_ids[index], unit.name))
            price = amount(item.cost, factor) // 100 * 100
            by_supplier.setdefault(supplier_of(item), []).append(purchasing.LineInput(
                self.product_ids[index], qty * QTY_SCALE // factor, price, unit_id))
        for supplier, lines in by_supplier.items():
            po = purchasing.create_po(self.db, user=self.manager,
                                      supplier_id=self.suppliers[supplier].id, lines=lines)
            purchasing.send_po(self.db, user=self.manager, po_id=po.id)

    def _receive(self, week: int, *, first: bool) -> None:
        for summary in purchasing.list_pos(self.db, status="open"):
            po = purchasing.get_po(self.db, summary.id)
            if po.status == "draft":
                continue
            short = first and self.rng.random() < 0.2 and len(po.lines) > 1
            lines = []
            for n, line in enumerate(po.lines):
                left = line.remaining_base * QTY_SCALE // line.factor
                if short and n == 0:
                    left = max(left // 2 // QTY_SCALE * QTY_SCALE, 0)   # half now, half later
                if left <= 0:
                    continue
                expiry = None
                life = SHELF_LIFE.get(self.items[self.product_ids.index(line.product_id)]
                                      .category)
                if life:
                    expiry = (local_date(now_iso(), self.zone)
                              + timedelta(days=life + self.rng.randrange(-10, 11)))
                lines.append(receiving.ReceiptLineInput(
                    line.product_id, left, line.unit_price, line.unit_id,
                    lot=f"L{self.rng.randrange(10_000, 99_999)}" if expiry else "",
                    expiry=expiry, po_line_id=line.id))
            if not lines:
                continue
            supplier = next(s for s in self.suppliers if s.id == po.supplier_id)
            total_goods = sum(amount(line.unit_price, line.qty) for line in lines)
            pay = None
            if supplier.terms_days == 0:
                pay = payables.PaymentInput(total_goods + 50_000 if first else total_goods,
                                            "transfer", f"TRF{self.rng.randrange(10**7, 10**8)}")
            receiving.post_receipt(
                self.db, user=self.manager, supplier_id=supplier.id, po_id=po.id, lines=lines,
                freight=50_000 if first else 0, pay=pay,
                invoice_no=f"INV/{po.number[-5:]}/{self.rng.randrange(100, 999)}")

    def _count_staples(self) -> None:
        """Stok opname of the staples: most agree with the books, a few are a little short
        (spilt rice, a broken egg, a pack gone missing); posted with the manager's approval."""
        count = stock_count.open_count(self.db, user=self.clerk, scope="all",
                                       note="Stok opname akhir bulan")
        for index, item in enumerate(self.items[:STAPLE_NAMES]):
            product_id = self.product_ids[index]
            held = max(stock.on_hand(self.db, product_id), 0)
            short = 0
            if held and self.rng.random() < 0.15:
                short = min(held, (250 if item.fractional or item.base_unit == "kg"
                                   else QTY_SCALE) * self.rng.randint(1, 3))
            stock_count.count_item(self.db, user=self.clerk, count_id=count.id,
                                   product_id=product_id, qty=held - short,
                                   reason="Selisih hitung" if short else "")
        stock_count.post_count(self.db, user=self.clerk, count_id=count.id,
                               approver=self.manager)

    def _pay_due(self, today: date) -> None:
        for invoice in payables.invoices(self.db, open_only=True):
            if date.fromisoformat(invoice.due_date) <= today and self.rng.random() < 0.85:
                payables.pay_invoice(self.db, user=self.treasurer, invoice_id=invoice.id,
                                     payment=payables.PaymentInput(
                                         invoice.open, "transfer",
                                         f"TRF{self.rng.randrange(10**7, 10**8)}"))


    def at_the_till(self, day: int, days: int, *, cashier: User, till: str, members) -> None:
        """In the last days a few members order rice and LPG ahead, most with a deposit."""
        if day < days - 3 or not members:
            return
        wanted = [i for i, item in enumerate(self.items[:STAPLE_NAMES])
                  if item.category in ("Beras", "LPG") and not item.quota_qty]
        for member in self.rng.sample(list(members), min(2, len(members))):
            index = self.rng.choice(wanted)
            qty = self.rng.choice((2, 3, 5)) * QTY_SCALE
            price = amount(self.items[index].price, qty)
            deposit = price // 2 // 1000 * 1000 if self.rng.random() < 0.7 else 0
            preorders.create_preorder(self.db, user=cashier, till=till, member_id=member.id,
                                      product_id=self.product_ids[index], qty=qty,
                                      deposit=deposit)
