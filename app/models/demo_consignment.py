"""The demo shop's consignment (titip jual): a dozen Lampung producers (UMKM) and their goods,
intakes every week or two, sales at the till mixed into the customers' baskets, a customer
return now and then, near-expiry goods given back, one count with a small shortage, and the
settlements with their payments — through the same domain calls the manager's and the
treasurer's screens make.

It has its own random generator, so the rest of the demo draws the same numbers with or
without it; it plays into ``demo_history.run_history`` through the same kind of hooks as
``demo_purchasing.DemoBuyer``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.models import catalog, consignment, consignment_stock
from app.models import consignment_settlement as settlement
from app.models.barcodes import with_check_digit
from app.models.clock import ZONES, frozen_clock
from app.models.consignors import ConsignorInput, create_consignor
from app.models.db import Database
from app.models.money import QTY_SCALE
from app.models.payables import PaymentInput
from app.models.products import ProductInput
from app.models.returns import return_items
from app.models.sales import returnable_lines
from app.models.users import User

#: A history shorter than this has no consignment (the test suite's small shop stays as it
#: was); a week is the shortest period a producer is settled for.
MIN_DAYS = 7
_K = QTY_SCALE


@dataclass(frozen=True)
class Producer:
    data: ConsignorInput
    visit_days: int          # brings goods every week or every two weeks
    partly_paid: bool = False  # the last settlement is paid in part (the balance shows)


def _producer(name, village, phone, terms, commission, period, loss, visit, *, bank=("", "", ""),
              note="", partly_paid=False) -> Producer:
    bank_name, account, holder = bank
    return Producer(ConsignorInput(
        name=name, village=village, phone=phone, address=village,
        pay_method="transfer" if account else "cash", bank_name=bank_name,
        bank_account=account, bank_holder=holder, terms=terms, commission_bp=commission,
        period=period, loss_policy=loss, note=note), visit, partly_paid)


PRODUCERS = (
    _producer("Ibu Siti Marfuah", "Desa Hanura, Kec. Teluk Pandan, Pesawaran", "0812 7911 4520",
              "percent", 1500, "monthly", "shop", 7,
              bank=("BRI", "0213-01-004512-50-7", "Siti Marfuah"),
              note="KUB Keripik Pisang Mekar Sari"),
    _producer("Yuliana Sari", "Kel. Way Halim Permai, Kec. Way Halim, Bandar Lampung",
              "0813 6904 2217", "fixed", 0, "weekly", "producer", 7,
              note="Keripik Pisang Yuli, Jl. Pagar Alam"),
    _producer("Suparman", "Desa Braja Harjosari, Kec. Braja Selebah, Lampung Timur",
              "0852 7922 0381", "percent", 1250, "biweekly", "shop", 14,
              bank=("BNI", "0412 557 830", "Suparman"), note="Emping melinjo Braja"),
    _producer("Hendri Saputra", "Kel. Pasar Liwa, Kec. Balik Bukit, Lampung Barat",
              "0821 8245 6610", "fixed", 0, "biweekly", "producer", 14,
              bank=("Bank Lampung", "380.03.12.00456-1", "Hendri Saputra"),
              note="Kopi Bubuk Liwa Jaya"),
    _producer("Rohana", "Kel. Pasar Madang, Kec. Kota Agung, Tanggamus", "0813 7905 1142",
              "percent", 1000, "monthly", "shop", 14, note="Gula aren Kota Agung",
              partly_paid=True),
    _producer("Nurjanah", "Kel. Kemiling Permai, Kec. Kemiling, Bandar Lampung",
              "0812 7250 3398", "percent", 2000, "monthly", "shop", 14,
              bank=("BNI", "0287 331 904", "Nurjanah"), note="Sanggar Tapis Kemiling"),
    _producer("Darsono", "Desa Negeri Sakti, Kec. Gedong Tataan, Pesawaran", "0857 6801 2934",
              "fixed", 0, "weekly", "producer", 7, note="Madu hutan Register 19"),
    _producer("Wati Kurniasih", "Desa Sukajaya Lempasing, Kec. Teluk Pandan, Pesawaran",
              "0812 7266 0917", "percent", 1500, "weekly", "shop", 7,
              bank=("BRI", "0105-01-021877-53-2", "Wati Kurniasih"), note="Kemplang Lempasing"),
    _producer("Sumiati", "Desa Merak Batin, Kec. Natar, Lampung Selatan", "0823 7709 5562",
              "percent", 1500, "biweekly", "producer", 7, note="Lempok dan pisang sale"),
    _producer("I Made Wiryawan", "Desa Rama Dewa, Kec. Seputih Raman, Lampung Tengah",
              "0813 6933 8021", "fixed", 0, "monthly", "shop", 14,
              bank=("Bank Lampung", "380.07.02.01187-9", "I Made Wiryawan"),
              note="Sambal lingkung dan abon ikan", partly_paid=True),
    _producer("Fatimah", "Desa Way Hui, Kec. Jati Agung, Lampung Selatan", "0852 6900 4471",
              "percent", 1200, "weekly", "producer", 7, note="Aneka keripik Way Hui"),
    _producer("Suryadi", "Desa Sedayu, Kec. Semaka, Tanggamus", "0812 7901 6635",
              "percent", 1500, "biweekly", "shop", 14,
              bank=("BRI", "0577-01-000893-50-1", "Suryadi"), note="Kopi robusta Semaka"),
)

_FOOD, _DRINK, _CRAFT = "UMKM - Makanan", "UMKM - Minuman", "UMKM - Kerajinan"

# name, brand, category, unit, price, shelf life in days (None: no expiry), batch code, sales
# weight (about the units sold a week), producers: (producer index, price to the producer per
# unit under fixed terms else None, what the producer keeps on the shelf). Short-lived goods
# are left more generously than they sell, so now and then some go back near their date. The
# first goods come first into a small catalog.
GOODS = (
    ("Keripik Pisang Cokelat 250 g", "Oleh-oleh Lampung", _FOOD, "bungkus", 25_000, 150, "KPC",
     10, ((0, None, 9), (1, 20_000, 9))),
    ("Kopi Robusta Lampung Bubuk 250 g", "Kopi Lampung", _DRINK, "bungkus", 28_000, 365, "KRB",
     9, ((3, 23_000, 14), (11, None, 14))),
    ("Emping Melinjo 250 g", "Emping Braja", _FOOD, "bungkus", 16_000, 180, "EMP", 6,
     ((2, None, 14),)),
    ("Gula Aren Cetak 500 g", "Aren Kota Agung", _FOOD, "pcs", 18_000, 240, "GAC", 5,
     ((4, None, 12),)),
    ("Gantungan Kunci Tapis", "Sanggar Tapis Kemiling", _CRAFT, "pcs", 15_000, None, "GKT", 2.5,
     ((5, None, 8),)),
    ("Madu Hutan Murni 250 ml", "Madu Negeri Sakti", _DRINK, "botol", 65_000, 365, "MDH", 2.5,
     ((6, 55_000, 5),)),
    ("Kerupuk Kemplang Ikan 250 g", "Kemplang Lempasing", _FOOD, "bungkus", 20_000, 120, "KKI",
     5, ((7, None, 8),)),
    ("Lempok Durian 250 g", "Merak Batin", _FOOD, "bungkus", 35_000, 70, "LDR", 1.5,
     ((8, None, 8),)),
    ("Sambal Lingkung Ikan 100 g", "Dapur Rama Dewa", _FOOD, "botol", 25_000, 120, "SLK", 3,
     ((9, 20_000, 9),)),
    ("Keripik Singkong Balado 250 g", "Keripik Way Hui", _FOOD, "bungkus", 12_000, 120, "KSB", 5,
     ((10, None, 8),)),
    ("Keripik Pisang Keju 250 g", "Oleh-oleh Lampung", _FOOD, "bungkus", 27_000, 150, "KPK", 7,
     ((0, None, 7), (1, 21_500, 7))),
    ("Selendang Tapis Lampung", "Sanggar Tapis Kemiling", _CRAFT, "lembar", 350_000, None,
     "STL", 0.4, ((5, None, 3),)),
    ("Kopi Robusta Lampung Biji Sangrai 1 kg", "Kopi Liwa Jaya", _DRINK, "bungkus", 110_000, 300,
     "KBS", 1.5, ((3, 92_000, 5),)),
    ("Keripik Pisang Original 250 g", "Keripik Pisang Yuli", _FOOD, "bungkus", 20_000, 150,
     "KPO", 4, ((1, 16_000, 6),)),
    ("Emping Melinjo Pedas Manis 250 g", "Emping Braja", _FOOD, "bungkus", 19_000, 150, "EPM", 3,
     ((2, None, 8),)),
    ("Gula Semut Aren 250 g", "Aren Kota Agung", _FOOD, "bungkus", 20_000, 365, "GSA", 3,
     ((4, None, 8),)),
    ("Dompet Tapis", "Sanggar Tapis Kemiling", _CRAFT, "pcs", 55_000, None, "DPT", 1.5,
     ((5, None, 5),)),
    ("Madu Hutan Murni 500 ml", "Madu Negeri Sakti", _DRINK, "botol", 120_000, 365, "MDB", 1,
     ((6, 102_000, 3),)),
    ("Kemplang Panggang Tenggiri 200 g", "Kemplang Lempasing", _FOOD, "bungkus", 18_000, 120,
     "KPT", 3, ((7, None, 5),)),
    ("Pisang Sale 250 g", "Merak Batin", _FOOD, "bungkus", 15_000, 120, "PSL", 3,
     ((8, None, 5),)),
    ("Abon Ikan Tuna 100 g", "Dapur Rama Dewa", _FOOD, "bungkus", 28_000, 180, "AIT", 2,
     ((9, 23_000, 6),)),
    ("Keripik Tempe 200 g", "Keripik Way Hui", _FOOD, "bungkus", 10_000, 90, "KTP", 3,
     ((10, None, 5),)),
    ("Jahe Merah Instan 250 g", "Keripik Way Hui", _DRINK, "bungkus", 22_000, 365, "JMI", 2,
     ((10, None, 4),)),
    ("Tas Tapis Kecil", "Sanggar Tapis Kemiling", _CRAFT, "pcs", 85_000, None, "TTK", 1,
     ((5, None, 4),)),
    ("Dodol Nanas 250 g", "Merak Batin", _FOOD, "bungkus", 15_000, 90, "DDN", 2,
     ((8, None, 5),)),
    ("Kopi Robusta Semaka Bubuk 500 g", "Kopi Semaka", _DRINK, "bungkus", 50_000, 365, "KSM",
     2, ((11, None, 6),)),
)
#: A sale of the plan that also takes something of the consigned goods (about ten a day).
BASKET_SHARE = 0.033
#: A customer brings a consigned item back now and then.
RETURN_SHARE = 0.025
#: Batches this close to their expiry date go back to the producer at the next visit.
NEAR_EXPIRY_DAYS = 45


def catalog_share(products: int, days: int, staples: int) -> int:
    """How many of the ``products`` of the demo catalog are consigned goods: half of what
    the staples leave, up to every one of GOODS; none in a history too short to settle."""
    if days < MIN_DAYS:
        return 0
    return min(len(GOODS), max(0, products - staples) // 2)


def _month_end(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


def period_ends(period: str, first: date, last: date) -> list[date]:
    """The last day of each of the producer's periods (week, two weeks or calendar month,
    counted from its first intake on ``first``) that ends by ``last``; a first month of
    under two weeks goes with the next."""
    ends: list[date] = []
    if period == "monthly":
        end = _month_end(first)
        while end <= last:
            if ends or (end - first).days >= 13:
                ends.append(end)
            end = _month_end(end + timedelta(days=1))
    else:
        step = 7 if period == "weekly" else 14
        end = first + timedelta(days=step - 1)
        while end <= last:
            ends.append(end)
            end += timedelta(days=step)
    return ends


def settlement_ends(period: str, first: date, last: date) -> list[date]:
    """The last day of each period settled in a history from ``first`` to ``last``: every
    period of the producer's; where fewer than two end in the history (a monthly producer in
    a month's demo), the producer asks to be paid early, as one who needs money for the next
    batch does: on the history's last day if a week or more is left after its one period,
    else halfway through that period (or the history)."""
    ends = period_ends(period, first, last)
    if len(ends) == 1 and (last - ends[0]).days >= 7:
        ends.append(last)
    elif len(ends) < 2:
        end = ends[0] if ends else last
        ends = [first + (end - first) // 2, end]
    return sorted(set(ends))


def _at(midnight: datetime, zone: str, hours: float) -> datetime:
    return midnight - ZONES[zone].utcoffset(None) + timedelta(hours=hours)


@dataclass(frozen=True)
class _Good:
    product_id: str
    code: str            # the barcode the till scans
    name: str
    shelf_days: int | None
    batch_prefix: str
    weight: float
    producers: tuple[tuple[int, int | None, int], ...]


class DemoConsignment:
    """Plays the producers' visits, the sales and the settlements into the history."""

    def __init__(self, db: Database, *, seed: int, goods: int, manager: User, treasurer: User,
                 approver: User, first_day: datetime, days: int, zone: str):
        self.db, self.manager, self.treasurer, self.approver = db, manager, treasurer, approver
        self.rng = random.Random(f"titipan-{seed}")
        self.first_day, self.days, self.zone = first_day, days, zone
        chosen = GOODS[:goods]
        items = [ProductInput(
            name=name, brand=brand, category=category, base_unit=unit, price=price,
            barcodes=(with_check_digit(f"2990{index + 1:08d}"),))
            for index, (name, brand, category, unit, price, *_rest) in enumerate(chosen)]
        catalog.import_products(db, user=manager, items=items)
        ids = {r[0]: r[1] for r in db.query(
            "SELECT name, id FROM products WHERE name IN"
            f" ({', '.join('?' for _i in items)})", [i.name for i in items])}
        self.goods = [_Good(ids[item.name], item.barcodes[0], item.name, shelf, prefix, weight,
                            producers)
                      for item, (*_head, shelf, prefix, weight, producers)
                      in zip(items, chosen, strict=True)]
        used = sorted({p for good in self.goods for p, _price, _level in good.producers})
        self.producers = {p: PRODUCERS[p] for p in used}
        self.consignors = {p: create_consignor(db, user=manager, data=PRODUCERS[p].data).id
                           for p in used}
        start = first_day.date()
        last = start + timedelta(days=days - 1)
        self.first_visit = {p: n % 3 for n, p in enumerate(used)}
        firsts = {p: start + timedelta(days=self.first_visit[p]) for p in used}
        self.ends = {p: settlement_ends(PRODUCERS[p].data.period, firsts[p], last)
                     for p in used}
        self.regular = {p: set(period_ends(PRODUCERS[p].data.period, firsts[p], last))
                        for p in used}
        self.count_day = max(1, days * 2 // 3)
        self.weights = [good.weight for good in self.goods]
        self._basket: list[_Good] = []

    # --- between the days --------------------------------------------------------------

    def before_day(self, day: int, midnight: datetime) -> None:
        """Before the shop opens: the treasurer settles the periods that ended yesterday,
        producers due for a visit take back near-expiry goods and bring new ones; once, the
        manager counts the consigned goods. ``day`` = the history's length is the morning
        after it (the demo's today)."""
        today = midnight.date()
        with frozen_clock(_at(midnight, self.zone, 7)):
            for producer, ends in self.ends.items():
                if today - timedelta(days=1) in ends:
                    self._settle(producer, today - timedelta(days=1),
                                 last=today - timedelta(days=1) == ends[-1])
        if day >= self.days:
            return
        for n, producer in enumerate(self.producers):
            since = day - self.first_visit[producer]
            if since >= 0 and since % self.producers[producer].visit_days == 0:
                with frozen_clock(_at(midnight, self.zone, 7.1 + n / 60)):
                    self._visit(producer, today)
        if day == self.count_day:
            with frozen_clock(_at(midnight, self.zone, 7.4)):
                self._count()

    def _own_on_hand(self, producer: int) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.query(
            "SELECT product_id, sum(qty) FROM consignment_balances WHERE consignor_id = ?"
            " GROUP BY product_id", (self.consignors[producer],))}

    def _visit(self, producer: int, today: date) -> None:
        consignor_id = self.consignors[producer]
        near = today + timedelta(days=NEAR_EXPIRY_DAYS)
        old = {b.id: b.on_hand for b in consignment_stock.batches(
            self.db, consignor_id=consignor_id, on_hand_only=True)
            if b.on_hand > 0 and b.expires_on and date.fromisoformat(b.expires_on) <= near}
        if old:
            consignment_stock.return_to_producer(
                self.db, user=self.manager, consignor_id=consignor_id, quantities=old,
                reason="Mendekati tanggal kedaluwarsa, dikembalikan ke produsen")
        held = self._own_on_hand(producer)
        lines = []
        for good in self.goods:
            for who, producer_price, level in good.producers:
                if who != producer:
                    continue
                want = level - held.get(good.product_id, 0) // _K
                if want < max(1, level // 3):
                    continue
                produced = expires = None
                if good.shelf_days:
                    produced = today - timedelta(days=self.rng.randint(3, 10))
                    expires = produced + timedelta(days=good.shelf_days)
                lines.append(consignment.IntakeLine(
                    good.product_id, (want + self.rng.randint(0, 2)) * _K,
                    producer_price=producer_price,
                    batch_code=f"{good.batch_prefix}-{(produced or today):%y%m%d}",
                    produced_on=produced, expires_on=expires))
        if lines:
            consignment.post_intake(self.db, user=self.manager, consignor_id=consignor_id,
                                    lines=lines, note="Setoran titipan")

    def _count(self) -> None:
        """The consigned goods counted on the shelf: all as the books say, but for one
        or two items gone missing."""
        held = [b for b in consignment_stock.batches(self.db, on_hand_only=True) if b.on_hand >= _K]
        if not held:
            return
        counted = {b.id: b.on_hand for b in held}
        # One missing where the shop bears the loss, one where the producer does.
        policy = {self.consignors[p]: terms.data.loss_policy
                  for p, terms in self.producers.items()}
        for bears in ("shop", "producer"):
            candidates = [b for b in held if policy[b.consignor_id] == bears]
            if candidates:
                counted[self.rng.choice(candidates).id] -= _K
        consignment_stock.post_count(self.db, user=self.manager, approver=self.approver,
                               counted=counted, note="Hitung barang titipan")

    def _settle(self, producer: int, period_to: date, *, last: bool) -> None:
        consignor_id, terms = self.consignors[producer], self.producers[producer]
        preview = settlement.preview_settlement(self.db, consignor_id, period_to=period_to)
        if not preview.lines:
            return
        value = preview.to_pay
        if last and terms.partly_paid:
            value = value // 2 // 10_000 * 10_000
        payment = None
        if value > 0 and terms.data.pay_method == "transfer":
            bank = terms.data.bank_name.replace("Bank ", "").upper()
            payment = PaymentInput(value, "transfer", f"TRF-{bank}-{period_to:%y%m%d}-"
                                                      f"{self.rng.randrange(10**5, 10**6)}")
        elif value > 0:
            payment = PaymentInput(value, "cash")
        notes = ["Dibayar lebih awal atas permintaan penitip"
                 if period_to not in self.regular[producer] else "",
                 "Dibayar sebagian, sisanya bulan depan" if value < preview.to_pay else ""]
        settlement.settle(self.db, user=self.treasurer, consignor_id=consignor_id,
                          period_to=period_to, expected_due=preview.due, payment=payment,
                          note="; ".join(n for n in notes if n))

    # --- at the till ---------------------------------------------------------------------

    def basket(self) -> list[tuple[str, int]]:
        """What of the consigned goods the next customer also takes: (barcode, quantity),
        mostly nothing; only goods on the shelf."""
        self._basket = []
        if self.rng.random() >= BASKET_SHARE:
            return []
        picked = []
        for good in self.rng.choices(self.goods, self.weights,
                                     k=1 if self.rng.random() < 0.8 else 2):
            qty = self.rng.choice((1, 1, 1, 2, 3) if good.weight >= 5 else (1,)) * _K
            if good in self._basket or (self.db.scalar(
                    "SELECT qty FROM consigned_stock WHERE product_id = ?",
                    (good.product_id,)) or 0) < qty:
                continue
            self._basket.append(good)
            picked.append((good.code, qty))
        return picked

    def after_sale(self, sale_id: str, *, cashier: User, till: str, supervisor: User) -> None:
        """Now and then a customer brings a consigned item back (a torn pack, a taste)."""
        if not self._basket or self.rng.random() >= RETURN_SHARE:
            return
        names = {good.name for good in self._basket}
        line = next((line for line in returnable_lines(self.db, sale_id)
                     if line.name in names and line.remaining >= _K), None)
        if line is None:
            return
        return_items(self.db, user=cashier, till=till, sale_id=sale_id,
                     quantities={line.line_id: _K}, supervisor=supervisor,
                     reason=self.rng.choice(("Bungkus sobek", "Rasa tidak sesuai",
                                             "Salah ambil barang")))
