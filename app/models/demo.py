"""The demo shop: a realistic Lampung gerai sembako, deterministic for a seed.

Everything is written through the same domain functions the till and the office use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.i18n import _
from app.models import catalog, demo_consignment, demo_members, demo_purchasing, stock
from app.models import demo_history as history
from app.models.barcodes import with_check_digit
from app.models.clock import frozen_clock, now
from app.models.db import Database
from app.models.errors import UserError
from app.models.ids import seeded_ids
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, UnitInput
from app.models.qris import crc_hex
from app.models.settings import ShopSettings, save_settings
from app.models.till_settings import TillSettings, save_till_settings
from app.models.users import User, create_user, has_users, list_users

#: Demo logins (also shown in the README): username, full name, role, PIN or password.
DEMO_USERS = (
    ("admin", "Rahmat Hidayat", "admin", "admin12345"),
    ("manajer", "Siti Aminah", "manajer", "5678"),
    ("bendahara", "Dewi Lestari", "bendahara", "4321"),
    ("kasir", "Agus Saputra", "kasir", "1234"),
    ("kasir2", "Nur Aini", "kasir", "2345"),
    ("pengawas", "Bambang Sutrisno", "pengawas", "8765"),
)

DEMO_SETTINGS = ShopSettings(
    cooperative_name="Koperasi Desa Merah Putih Sukamaju",
    shop_name="Gerai Sembako Sukamaju",
    shop_code="KDMP017",
    address="Jl. Raya Sukamaju No. 12, Kec. Natar, Lampung Selatan",
    zone="WIB",
    receipt_footer="Terima kasih telah berbelanja di gerai koperasi Anda.",
)

# name, brand, category, base unit, price, cost, HET, min stock, [(pack, factor, price)], stock
_K = QTY_SCALE
STAPLES = (
    ("Beras Medium 5 kg", "Rojolele", "Beras", "pcs", 67000, 61500, 67500, 10, [], 40),
    ("Beras SPHP 5 kg", "Bulog", "Beras", "pcs", 62500, 59000, 62500, 10, [], 60),
    ("Beras Premium 5 kg", "Sania", "Beras", "pcs", 74000, 68000, 74500, 5, [], 20),
    ("Beras Curah Medium", "", "Beras", "kg", 13000, 11800, 13500, 25,
     [("karung", 50, 640000)], 150),
    ("MinyaKita 1 L", "MinyaKita", "Minyak Goreng", "pcs", 15700, 14500, 15700, 24,
     [("dus", 12, 186000)], 96),
    ("Minyak Goreng Kemasan 2 L", "Bimoli", "Minyak Goreng", "pcs", 38000, 34500, None, 6,
     [("dus", 6, 225000)], 18),
    ("Gula Pasir 1 kg", "Gulaku", "Gula", "pcs", 17500, 16000, None, 20, [("dus", 20, 345000)], 60),
    ("Gula Pasir Curah", "", "Gula", "kg", 17000, 15500, None, 10, [("karung", 50, 840000)], 50),
    ("Telur Ayam Ras", "", "Telur", "kg", 30000, 27000, None, 5, [("peti", 15, 440000)], 30),
    ("Tepung Terigu 1 kg", "Segitiga Biru", "Tepung", "pcs", 12700, 11300, None, 10,
     [("dus", 12, 150000)], 36),
    ("Mie Instan Goreng", "Indomie", "Mie Instan", "pcs", 3500, 2950, None, 40,
     [("dus", 40, 125000)], 200),
    ("Mie Instan Soto", "Indomie", "Mie Instan", "pcs", 3300, 2800, None, 40,
     [("dus", 40, 118000)], 160),
    ("Garam Dapur 250 g", "Refina", "Bumbu", "pcs", 3000, 2300, None, 10, [], 40),
    ("Kecap Manis 520 ml", "Bango", "Bumbu", "pcs", 24000, 21500, None, 6, [], 18),
    ("Susu Kental Manis 370 g", "Frisian Flag", "Susu", "pcs", 12500, 11000, None, 12,
     [("dus", 48, 575000)], 48),
    ("Kopi Bubuk Sachet", "Kapal Api", "Minuman", "pcs", 1500, 1150, None, 50,
     [("renteng", 10, 14000)], 300),
    ("Teh Celup 25 kantong", "Sariwangi", "Minuman", "pcs", 7500, 6400, None, 10, [], 30),
    ("Air Mineral 600 ml", "Aqua", "Minuman", "pcs", 3500, 2600, None, 24, [("dus", 24, 75000)], 96),
    ("Sabun Mandi 85 g", "Lifebuoy", "Kebersihan", "pcs", 4000, 3200, None, 12, [], 48),
    ("Deterjen Bubuk 800 g", "Rinso", "Kebersihan", "pcs", 22000, 19500, None, 6, [], 24),
    ("Sampo Sachet", "Sunsilk", "Kebersihan", "pcs", 1000, 750, None, 24, [("renteng", 12, 11000)],
     120),
    ("Pasta Gigi 190 g", "Pepsodent", "Kebersihan", "pcs", 14000, 12200, None, 6, [], 18),
    ("LPG 3 kg Isi Ulang", "Pertamina", "LPG", "tabung", 20000, 18000, 20000, 10, [], 40),
    ("Pupuk Urea Bersubsidi 50 kg", "Pupuk Indonesia", "Pupuk", "pcs", 90000, 86000, 90000, 5,
     [], 30),
    ("Pupuk NPK Phonska 50 kg", "Pupuk Indonesia", "Pupuk", "pcs", 92000, 88000, 92000, 5, [], 25),
    ("Minyak Tanah", "", "Bahan Bakar", "liter", 12000, 10500, None, 10, [], 60),
    ("Bawang Merah", "", "Sayur & Bumbu Segar", "kg", 40000, 34000, None, 3, [], 12),
    ("Bawang Putih", "", "Sayur & Bumbu Segar", "kg", 36000, 31000, None, 3, [], 10),
    ("Cabai Merah Keriting", "", "Sayur & Bumbu Segar", "kg", 48000, 41000, None, 2, [], 6),
    ("Santan Instan 65 ml", "Kara", "Bumbu", "pcs", 3000, 2500, None, 12, [], 48),
    ("Margarin 200 g", "Blue Band", "Bumbu", "pcs", 9500, 8300, None, 6, [], 24),
    ("Sarden 155 g", "ABC", "Makanan Kaleng", "kaleng", 9000, 7800, None, 6, [], 24),
    ("Biskuit Kelapa 300 g", "Roma", "Makanan Ringan", "pcs", 12000, 10400, None, 6, [], 24),
    ("Kerupuk Kemplang Palembang", "", "Makanan Ringan", "bungkus", 15000, 12000, None, 5, [], 20),
)

#: Program goods: name → (program, quota per member in base units or None, period). The
#: quotas are this demo shop's (a real one follows its regency and the program's rules):
#: SPHP rice two 5 kg packs a buyer a day (Bulog's limit per purchase); LPG 3 kg four
#: cylinders a household a month (check: set per regency). MinyaKita has a HET and no limit
#: per buyer; subsidised fertiliser goes by each farmer's RDKK allotment, not a quota here.
#: The quotas apply with ``build_demo(program_quotas=True)``: off by default while scripts
#: and tests that ring up any demo product without a member (the power-cut test) remain.
PROGRAM_GOODS = {
    "Beras SPHP 5 kg": ("SPHP", 2, "day"),
    "MinyaKita 1 L": ("MinyaKita", None, "month"),
    "LPG 3 kg Isi Ulang": ("LPG 3 kg", 4, "month"),
    "Pupuk Urea Bersubsidi 50 kg": ("Pupuk bersubsidi", None, "month"),
    "Pupuk NPK Phonska 50 kg": ("Pupuk bersubsidi", None, "month"),
}

# kind, category, sizes, cost range in rupiah: padding for large catalogs.
_KINDS = (
    ("Sabun Cuci Piring", "Kebersihan", ("400 ml", "800 ml", "sachet"), (1000, 18000)),
    ("Biskuit", "Makanan Ringan", ("100 g", "200 g", "kaleng 650 g"), (2000, 45000)),
    ("Kopi Instan", "Minuman", ("sachet", "toples 200 g"), (1000, 40000)),
    ("Susu UHT", "Susu", ("200 ml", "1 L"), (4500, 19000)),
    ("Kecap Asin", "Bumbu", ("135 ml", "600 ml"), (4000, 16000)),
    ("Saus Sambal", "Bumbu", ("135 ml", "340 ml"), (4000, 15000)),
    ("Minyak Kayu Putih", "Kesehatan", ("30 ml", "60 ml", "120 ml"), (9000, 45000)),
    ("Pembalut", "Kebersihan", ("isi 8", "isi 16"), (6000, 22000)),
    ("Popok Bayi", "Bayi", ("S isi 20", "M isi 20", "L isi 18"), (35000, 70000)),
    ("Wafer", "Makanan Ringan", ("sachet", "kotak 150 g"), (1000, 12000)),
    ("Sirup", "Minuman", ("460 ml", "630 ml"), (11000, 24000)),
    ("Bihun", "Mie Instan", ("175 g", "350 g"), (3500, 9000)),
    ("Kacang Tanah", "Makanan Ringan", ("250 g", "500 g"), (8000, 22000)),
    ("Obat Nyamuk Bakar", "Rumah Tangga", ("isi 10",), (3500, 9000)),
    ("Korek Api", "Rumah Tangga", ("isi 10", "gas"), (1500, 5000)),
    ("Baterai AA", "Rumah Tangga", ("isi 2", "isi 4"), (5000, 22000)),
    ("Permen", "Makanan Ringan", ("bungkus 100 g", "toples"), (3000, 25000)),
    ("Mi Kering", "Mie Instan", ("200 g", "1 kg"), (4000, 21000)),
    ("Sambal Botol", "Bumbu", ("140 ml", "340 ml"), (6000, 18000)),
    ("Teh Botol", "Minuman", ("350 ml", "450 ml", "1 L"), (3000, 9000)),
    ("Tisu", "Rumah Tangga", ("isi 50", "isi 250"), (4000, 16000)),
    ("Pewangi Pakaian", "Kebersihan", ("sachet", "800 ml"), (800, 21000)),
    ("Roti Tawar", "Roti", ("kecil", "besar"), (9000, 18000)),
    ("Agar-agar", "Bumbu", ("7 g",), (2500, 5000)),
)
_VARIANTS = ("", "Original", "Pedas", "Manis", "Jeruk", "Cokelat", "Stroberi", "Melati",
             "Lemon", "Keju", "Vanila", "Ekstra", "Hemat", "Keluarga", "Premium", "Mini")
_BRANDS = ("Sinar", "Mawar", "Garuda", "Cap Jago", "Nusantara", "Rajawali", "Melati", "Sumber Rejeki",
           "Tiga Roda", "Bintang", "Harapan", "Cendana", "Kartika", "Pelangi", "Lestari", "Mandiri",
           "Sejahtera", "Merapi", "Krakatau", "Way Kanan", "Siger", "Tanggamus", "Pesisir", "Rinjani")


def demo_static_qris() -> str:
    """A made-up static QRIS for the demo shop (a real shop pastes the one from its bank)."""
    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("01", "936000140000012345") + tlv(
        "02", "ID1025123456789") + tlv("03", "UMI")
    body = (tlv("00", "01") + tlv("01", "11") + tlv("51", account) + tlv("52", "5411")
            + tlv("53", "360") + tlv("58", "ID") + tlv("59", "KDMP SUKAMAJU")
            + tlv("60", "LAMPUNG SELATAN") + tlv("61", "35362") + "6304")
    return body + crc_hex(body)


@dataclass(frozen=True)
class DemoResult:
    products: int
    users: int
    days: int
    sales: int = 0


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = with_check_digit("899" + "".join(rng.choice("0123456789") for _ in range(9)))
        if code not in taken:
            taken.add(code)
            return code


def _staples(rng, taken, quotas: bool = False) -> list[ProductInput]:
    items = []
    for name, brand, category, unit, price, cost, het, minimum, packs, on_hand in STAPLES:
        units = tuple(UnitInput(pack, factor * _K, pack_price, (_code(rng, taken),))
                      for pack, factor, pack_price in packs)
        # Loose goods sold by weight keep an internal code; packaged goods carry an EAN.
        loose = unit in ("kg", "liter")
        # Loose goods carry an internal code and the PLU the shop scale prints on its label.
        codes = (f"PLU{len(items) + 1:03d}",) if loose else (_code(rng, taken),)
        program, quota, period = PROGRAM_GOODS.get(name, ("", None, "month"))
        items.append(ProductInput(
            name=name, brand=brand, category=category, base_unit=unit, price=price, cost=cost,
            het=het, min_stock=minimum * _K, barcodes=codes, units=units,
            opening_stock=on_hand * _K, plu=len(items) + 1 if loose else None,
            program=program, quota_qty=quota * _K if quotas and quota else None,
            quota_period=period,
        ))
    return items


def _generated(rng, taken, count: int) -> list[ProductInput]:
    items, seen = [], set()
    while len(items) < count:
        kind, category, sizes, (low, high) = rng.choice(_KINDS)
        brand, size, variant = rng.choice(_BRANDS), rng.choice(sizes), rng.choice(_VARIANTS)
        name = " ".join(part for part in (kind, brand, variant, size) if part)
        if name in seen:
            name = f"{name} ({len(items) + 1})"
        seen.add(name)
        cost = rng.randrange(low // 100, high // 100 + 1) * 100
        price = cost + max(500, cost * rng.randrange(8, 25) // 100 // 100 * 100)
        items.append(ProductInput(
            name=name, brand=brand, category=category, base_unit="pcs", price=price, cost=cost,
            min_stock=rng.choice((0, 2, 5, 10)) * _K, barcodes=(_code(rng, taken),),
            opening_stock=rng.randrange(0, 60) * _K,
        ))
    return items


def build_demo(db: Database, *, products: int = 500, days: int = 30, seed: int = 1,
               program_quotas: bool = False, consignment: bool = True) -> DemoResult:
    """Fill an empty database with the demo shop: settings, users, catalog and stock history,
    and (in a history of a week or more) local producers' goods on consignment: some of the
    ``products`` are theirs."""
    if has_users(db):
        raise UserError(_("Basis data ini sudah berisi data gerai; demo hanya dibuat di basis data"
                          " kosong."))
    if not 0 <= days <= 3660:
        raise UserError(_("Jumlah hari harus antara 0 dan 3660."), "days")
    if not 1 <= products <= 200_000:
        raise UserError(_("Jumlah produk harus antara 1 dan 200.000."), "products")
    rng = random.Random(seed)
    # A demo is made in one go on a fresh file: if the power fails, make it again.
    db.execute("PRAGMA synchronous=OFF")
    try:
        return _build(db, rng, products=products, days=days, seed=seed,
                      program_quotas=program_quotas, consignment=consignment)
    finally:
        db.execute("PRAGMA synchronous=FULL")


def _build(db: Database, rng: random.Random, *, products: int, days: int, seed: int,
           program_quotas: bool, consignment: bool) -> DemoResult:
    today = now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=days)
    start_ms = int(start.replace(tzinfo=UTC).timestamp() * 1000)
    with seeded_ids(seed, start_ms), frozen_clock(start + timedelta(hours=1)):
        save_settings(db, user=None, settings=DEMO_SETTINGS)
        users = [create_user(db, user=None if i == 0 else _admin(db), username=u, full_name=f,
                             role=r, secret=s) for i, (u, f, r, s) in enumerate(DEMO_USERS)]
        taken: set[str] = set()
        items = _staples(rng, taken, program_quotas)[:products]
        consigned = demo_consignment.catalog_share(products, days, len(STAPLES)) \
            if consignment else 0
        items += _generated(rng, taken, products - len(items) - consigned)
        plan = history.plan_sales(rng, items, days)
        items, buying = demo_purchasing.plan_buying(
            items, history.stock_for_plan(items, plan, rng), plan, rng)
        manager = next(u for u in users if u.role == "manajer")
        catalog.import_products(db, user=manager, items=items)
        members = history.make_members(db, rng, manager)
        treasurer = next(u for u in users if u.role == "bendahara")
        cooperative = demo_members.DemoCooperative(
            db, seed=seed, shop_members=members, manager=manager, treasurer=treasurer,
            first_day=start, days=days, zone=DEMO_SETTINGS.zone) \
            if days >= demo_members.MIN_DAYS else None
        admin = _admin(db)
        save_till_settings(db, user=admin, settings=TillSettings(qris_static=demo_static_qris()))
        product_ids = [r[0] for r in db.query("SELECT id FROM products ORDER BY rowid")]
        buyer = demo_purchasing.DemoBuyer(
            db, rng=rng, manager=manager, clerk=next(u for u in users if u.role == "kasir"),
            treasurer=next(u for u in users if u.role == "bendahara"), items=items,
            product_ids=product_ids, buying=buying, zone=DEMO_SETTINGS.zone)
        producers = demo_consignment.DemoConsignment(
            db, seed=seed, goods=consigned, manager=manager, approver=admin,
            treasurer=next(u for u in users if u.role == "bendahara"), first_day=start,
            days=days, zone=DEMO_SETTINGS.zone) if consigned else None
    pack_codes = [[code for unit in item.units for code in unit.barcodes] for item in items]
    cashiers = [u for u in users if u.role == "kasir"]
    sales = history.run_history(db, rng=rng, plan=plan, product_ids=product_ids,
                                pack_codes=pack_codes, cashiers=cashiers, manager=manager,
                                members=members, first_day=start, zone=DEMO_SETTINGS.zone,
                                buyer=buyer, consignment=producers,
                                cooperative=cooperative)
    if producers is not None:   # the morning after: the periods that ended yesterday
        producers.before_day(days, start + timedelta(days=days))
    _stock_corrections(db, rng, manager, start, days)
    return DemoResult(products=len(items) + consigned, users=len(users), days=days,
                      sales=sales)


def _admin(db: Database) -> User:
    return next(u for u in list_users(db) if u.role == "admin")


def _stock_corrections(db: Database, rng, manager: User, start: datetime, days: int) -> None:
    """A few corrections over the history, as a real shop has (damaged goods, miscounts)."""
    ids = [r[0] for r in db.query("SELECT id FROM products WHERE consigned = 0"
                                  " ORDER BY name LIMIT 40")]
    reasons = ("Kemasan rusak", "Selisih hitung", "Kedaluwarsa", "Dimakan tikus")
    for day in range(1, days + 1, 3):
        moment = start + timedelta(days=day, hours=rng.randrange(1, 10))
        with frozen_clock(moment):
            product_id = rng.choice(ids)
            if stock.on_hand(db, product_id) >= 2 * _K:
                stock.adjust_stock(db, user=manager, product_id=product_id, qty="-1",
                                   reason=rng.choice(reasons))
