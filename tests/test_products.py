"""Products: the catalog as the manager keeps it, barcodes as the scanner reads them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.models import stock
from app.models.errors import NotFound, ValidationError
from app.models.money import QTY_SCALE
from app.models.product_search import count_products, list_products, search_products
from app.models.products import (
    ProductInput,
    UnitInput,
    create_product,
    find_by_barcode,
    get_product,
    parse_product_form,
    product_from_form,
    set_archived,
    update_product,
)


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit: weights 3, 1, 3 ... from the right of the body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def ean(body: str) -> str:
    return body + check_digit(body)


def wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


GULA_AREN = ean("899777000001")
GULA_AREN_DUS = ean("899777000002")
GULA_AREN_RENTENG = ean("899777000003")


def gula_aren(**changes) -> ProductInput:
    data = ProductInput(
        name="Gula Aren Cetak 500 g",
        brand="Tani Makmur",
        category="Gula",
        base_unit="pcs",
        price=14_000,
        cost=11_500,
        min_stock=5 * QTY_SCALE,
        barcodes=(GULA_AREN,),
        units=(
            UnitInput("dus", 20 * QTY_SCALE, 270_000, (GULA_AREN_DUS,)),
            UnitInput("renteng", 10 * QTY_SCALE, None, (GULA_AREN_RENTENG,)),
        ),
        opening_stock=40 * QTY_SCALE,
    )
    return replace(data, **changes)


def as_input(product, **changes) -> ProductInput:
    """A product's current data as the edit form would send it back."""
    data = ProductInput(
        name=product.name, brand=product.brand, category=product.category,
        base_unit=product.base_unit, fractional=product.fractional, price=product.price,
        cost=product.cost, min_stock=product.min_stock, het=product.het,
        barcodes=product.barcodes,
        units=tuple(UnitInput(u.name, u.factor, u.price, u.barcodes, u.id) for u in product.units),
    )
    return replace(data, **changes)


def demo_product(db, name: str):
    row = db.one("SELECT id FROM products WHERE name = ?", (name,))
    return get_product(db, row["id"])


def audit_rows(db, action: str, entity_id: str | None = None) -> list[dict]:
    rows = db.query("SELECT * FROM audit_log WHERE action = ? ORDER BY seq", (action,))
    return [dict(r) for r in rows if entity_id is None or r["entity_id"] == entity_id]


def refused_fields(error: ValidationError) -> set[str]:
    assert error.problems and all(p.message.strip() for p in error.problems)
    return {p.field for p in error.problems}


# --- create, update, archive, restore ------------------------------------------------------


def test_manager_adds_a_product_with_units_barcodes_and_opening_stock(shop, manajer):
    before = count_products(shop)
    product = create_product(shop, user=manajer, data=gula_aren())

    again = get_product(shop, product.id)
    assert again == product
    assert (product.name, product.brand, product.category) == (
        "Gula Aren Cetak 500 g", "Tani Makmur", "Gula")
    assert (product.price, product.cost, product.min_stock, product.het) == (
        14_000, 11_500, 5000, None)
    assert product.barcodes == (GULA_AREN,)
    assert {(u.name, u.factor, u.price, u.barcodes) for u in product.units} == {
        ("dus", 20_000, 270_000, (GULA_AREN_DUS,)),
        ("renteng", 10_000, None, (GULA_AREN_RENTENG,)),
    }
    assert not product.archived and not product.fractional
    assert product.stock == 40_000 == stock.on_hand(shop, product.id)
    assert [(m.kind, m.qty, m.user_id) for m in stock.movements(shop, product.id)] == [
        ("opening", 40_000, manajer.id)]
    assert count_products(shop) == before + 1
    [created] = audit_rows(shop, "product.create", product.id)
    assert created["user_id"] == manajer.id
    assert json.loads(created["detail"])["price"] == 14_000


def test_loose_goods_sold_by_weight_take_fractional_quantities(shop, manajer):
    product = create_product(shop, user=manajer, data=ProductInput(
        name="Kacang Hijau Curah", base_unit="kg", price=22_000, barcodes=("PLU901",),
        opening_stock=12_500))
    assert product.fractional
    assert product.stock == 12_500


def test_a_product_without_opening_stock_has_none_and_no_movement(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren(opening_stock=0))
    assert product.stock == 0
    assert stock.movements(shop, product.id) == []


def test_manager_edits_a_product_and_its_units(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    dus = next(u for u in product.units if u.name == "dus")
    edited = update_product(shop, user=manajer, product_id=product.id, data=as_input(
        product, name="Gula Aren Cetak 1 kg", brand="Tani Jaya", category="Gula Merah",
        min_stock=2 * QTY_SCALE,
        units=(UnitInput("dus", 10 * QTY_SCALE, dus.price, dus.barcodes, dus.id),
               UnitInput("bal", 50 * QTY_SCALE, 650_000, ())),
    ))
    assert (edited.name, edited.brand, edited.category, edited.min_stock) == (
        "Gula Aren Cetak 1 kg", "Tani Jaya", "Gula Merah", 2000)
    units = {u.name: u for u in edited.units}
    assert set(units) == {"dus", "bal"}  # renteng was taken off
    assert units["dus"].id == dus.id and units["dus"].factor == 10_000
    assert units["bal"].price == 650_000
    assert find_by_barcode(shop, GULA_AREN_RENTENG) is None
    assert edited.stock == product.stock  # editing never moves stock
    assert get_product(shop, product.id) == edited
    assert len(audit_rows(shop, "product.update", product.id)) == 1


def test_archiving_hides_a_product_and_restoring_brings_it_back(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    archived = set_archived(shop, user=manajer, product_id=product.id, archived=True)
    assert archived.archived and get_product(shop, product.id).archived
    assert product.id not in {r.id for r in list_products(shop, limit=1000)}
    assert product.id in {r.id for r in list_products(shop, limit=1000, include_archived=True)}

    restored = set_archived(shop, user=manajer, product_id=product.id, archived=False)
    assert not restored.archived
    assert product.id in {r.id for r in list_products(shop, limit=1000)}
    # Archived, not deleted: the stock history is still there.
    assert restored.stock == 40_000
    assert len(audit_rows(shop, "product.archive", product.id)) == 1
    assert len(audit_rows(shop, "product.restore", product.id)) == 1


def test_archiving_an_archived_product_again_changes_nothing(shop, manajer, snapshot):
    product = create_product(shop, user=manajer, data=gula_aren())
    set_archived(shop, user=manajer, product_id=product.id, archived=True)
    before = snapshot(shop)
    assert set_archived(shop, user=manajer, product_id=product.id, archived=True).archived
    assert snapshot(shop) == before


def test_editing_or_archiving_an_unknown_product_is_refused_and_writes_nothing(
        shop, manajer, snapshot):
    before = snapshot(shop)
    with pytest.raises(NotFound) as refused:
        update_product(shop, user=manajer, product_id="no-such-id", data=gula_aren())
    assert refused.value.message.strip()
    with pytest.raises(NotFound):
        set_archived(shop, user=manajer, product_id="no-such-id", archived=True)
    assert snapshot(shop) == before


def test_a_product_with_several_problems_is_refused_with_all_of_them(shop, manajer, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(
            name="", base_unit="", brand="B" * 61, barcodes=("12",)))
    assert refused_fields(refused.value) == {"name", "base_unit", "brand", "barcodes"}
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "units",
    [
        (UnitInput("dus", 20_000, None), UnitInput("DUS", 40_000, None)),  # named twice
        (UnitInput("pcs", 20_000, None),),  # same as the base unit
        (UnitInput("isi", QTY_SCALE, None),),  # a pack of one is the product itself
        (UnitInput("", 20_000, None),),
    ],
    ids=["named twice", "base unit", "pack of one", "no name"],
)
def test_a_bad_packaging_unit_is_refused_and_writes_nothing(shop, manajer, snapshot, units):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(units=units))
    assert refused_fields(refused.value) <= {"units.1", "units.2"}
    assert snapshot(shop) == before


# --- barcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "4006381333931",  # EAN-13
        ean("899123456789"),
        "96385074",  # EAN-8
        "036000291452",  # UPC-A
        "PLU001",  # the shop's own code for loose goods
        "TITIP-0042",
    ],
)
def test_a_valid_barcode_is_accepted_and_scans_to_its_product(shop, manajer, code):
    product = create_product(shop, user=manajer, data=gula_aren(barcodes=(code,), units=()))
    hit = find_by_barcode(shop, code)
    assert hit is not None and hit.product.id == product.id and hit.unit is None
    assert hit.price == 14_000


@pytest.mark.parametrize(
    "code",
    [
        wrong_check_digit("4006381333931"),
        wrong_check_digit("96385074"),
        wrong_check_digit("036000291452"),
        wrong_check_digit(ean("899123456789")),
        "12",  # too short
        "A" * 33,  # too long
        "BRS#01",
        "béras01",
    ],
)
def test_an_invalid_barcode_is_refused_and_writes_nothing(shop, manajer, snapshot, code):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(barcodes=(code,)))
    assert refused_fields(refused.value) == {"barcodes"}
    assert snapshot(shop) == before


def test_an_invalid_unit_barcode_points_at_its_unit_row(shop, manajer, snapshot):
    before = snapshot(shop)
    bad = wrong_check_digit(GULA_AREN_RENTENG)
    units = (UnitInput("dus", 20_000, 270_000, (GULA_AREN_DUS,)),
             UnitInput("renteng", 10_000, None, (bad,)))
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(units=units))
    assert refused_fields(refused.value) == {"units.2"}
    assert bad in refused.value.message
    assert snapshot(shop) == before


def test_duplicate_barcode_is_refused_and_writes_nothing(shop, manajer, snapshot):
    minyakita = demo_product(shop, "MinyaKita 1 L")
    taken = minyakita.barcodes[0]
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(barcodes=(taken,)))
    assert refused_fields(refused.value) == {"barcodes"}
    assert "MinyaKita 1 L" in refused.value.message
    assert snapshot(shop) == before
    assert find_by_barcode(shop, taken).product.id == minyakita.id


def test_a_packaging_barcode_of_another_product_is_refused(shop, manajer, snapshot):
    dus_minyakita = next(u for u in demo_product(shop, "MinyaKita 1 L").units).barcodes[0]
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(barcodes=(dus_minyakita,)))
    assert refused_fields(refused.value) == {"barcodes"}
    assert snapshot(shop) == before


def test_a_barcode_written_twice_in_one_product_is_refused(shop, manajer, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as twice:
        create_product(shop, user=manajer, data=gula_aren(barcodes=(GULA_AREN, GULA_AREN)))
    assert refused_fields(twice.value) == {"barcodes"}
    units = (UnitInput("dus", 20_000, 270_000, (GULA_AREN,)),)
    with pytest.raises(ValidationError) as on_unit:
        create_product(shop, user=manajer, data=gula_aren(units=units))
    assert refused_fields(on_unit.value) == {"units.1"}
    assert snapshot(shop) == before


def test_taking_another_products_barcode_on_edit_is_refused(shop, manajer, snapshot):
    product = create_product(shop, user=manajer, data=gula_aren())
    taken = demo_product(shop, "Gula Pasir 1 kg").barcodes[0]
    before = snapshot(shop)
    with pytest.raises(ValidationError):
        update_product(shop, user=manajer, product_id=product.id,
                       data=as_input(product, barcodes=(GULA_AREN, taken)))
    assert snapshot(shop) == before


def test_a_product_keeps_its_own_barcodes_on_edit(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    edited = update_product(shop, user=manajer, product_id=product.id,
                            data=as_input(product, name="Gula Aren Cetak Super"))
    assert edited.barcodes == product.barcodes
    assert {u.barcodes for u in edited.units} == {u.barcodes for u in product.units}


def test_a_pack_barcode_scans_to_the_pack_and_its_price(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    dus = find_by_barcode(shop, GULA_AREN_DUS)
    assert dus.product.id == product.id
    assert dus.unit.name == "dus" and dus.unit.factor == 20_000
    assert dus.price == 270_000  # the pack's own price
    renteng = find_by_barcode(shop, GULA_AREN_RENTENG)
    assert renteng.unit.name == "renteng"
    assert renteng.price == 10 * 14_000  # no pack price: ten times the piece price
    piece = find_by_barcode(shop, f"  {GULA_AREN} ")
    assert piece.unit is None and piece.price == 14_000


def test_a_pack_of_loose_goods_is_priced_by_weight_when_it_has_no_price(shop, manajer):
    create_product(shop, user=manajer, data=ProductInput(
        name="Kedelai Curah", base_unit="kg", price=12_345, barcodes=("PLU902",),
        units=(UnitInput("karung", 25_500, None, ("KRG902",)),)))
    # 25,5 kg × Rp12.345 = Rp314.797,5, rounded half up to Rp314.798.
    assert find_by_barcode(shop, "KRG902").price == 314_798


def test_an_unknown_barcode_finds_nothing(shop):
    assert find_by_barcode(shop, ean("899000000000")) is None
    assert find_by_barcode(shop, "") is None
    assert find_by_barcode(shop, None) is None


# --- search ---------------------------------------------------------------------------------


def found(db, text: str) -> set[str]:
    return {r.id for r in search_products(db, text, limit=100)}


def test_search_finds_a_product_by_name_prefix_brand_and_barcode(shop, manajer):
    product = create_product(shop, user=manajer, data=ProductInput(
        name="Kopi Luwak Lampung Barat", brand="Sumatrana", category="Minuman",
        base_unit="pcs", price=55_000, barcodes=(ean("899777000100"),),
        units=(UnitInput("dus", 12_000, None, (ean("899777000101"),)),)))
    for text in ("kopi luw", "LUWAK", "lampung bar", "sumatr", "Sumatrana kopi",
                 ean("899777000100"), ean("899777000101"), "89977700010"):
        assert product.id in found(shop, text), text
    assert product.id not in found(shop, "teh")
    assert found(shop, "luwak") == {product.id}
    assert found(shop, "") == set() and found(shop, "  -- ") == set()


def test_search_finds_the_demo_staples(shop):
    names = {r.name for r in search_products(shop, "minyak", limit=100)}
    assert {"MinyaKita 1 L", "Minyak Goreng Kemasan 2 L", "Minyak Tanah"} <= names
    assert all("minyak" in f"{r.name} {r.brand} {r.category}".lower() for r in
               search_products(shop, "minyak", limit=100))
    assert "Beras Curah Medium" in {r.name for r in search_products(shop, "PLU004")}


def test_search_follows_a_rename(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    assert product.id in found(shop, "aren")
    update_product(shop, user=manajer, product_id=product.id,
                   data=as_input(product, name="Gula Semut Organik", brand="Lereng Merapi"))
    assert product.id not in found(shop, "aren")
    assert product.id not in found(shop, "tani makmur")
    assert product.id in found(shop, "semut org")
    assert product.id in found(shop, "lereng")


def test_search_follows_a_barcode_change(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    new_code = ean("899777000999")
    update_product(shop, user=manajer, product_id=product.id,
                   data=as_input(product, barcodes=(new_code,)))
    assert product.id not in found(shop, GULA_AREN)
    assert find_by_barcode(shop, GULA_AREN) is None
    assert product.id in found(shop, new_code)
    assert find_by_barcode(shop, new_code).product.id == product.id
    assert product.id in found(shop, GULA_AREN_DUS)  # the pack kept its code


def test_archived_products_are_hidden_from_search(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren())
    set_archived(shop, user=manajer, product_id=product.id, archived=True)
    assert product.id not in found(shop, "gula aren")
    assert count_products(shop, "gula aren") == 0
    assert count_products(shop, "gula aren", include_archived=True) == 1
    set_archived(shop, user=manajer, product_id=product.id, archived=False)
    assert product.id in found(shop, "gula aren")


def test_browsing_the_catalog_pages_through_every_product_once_by_name(shop):
    total = count_products(shop)
    pages = [list_products(shop, offset=o, limit=7) for o in range(0, total + 7, 7)]
    rows = [r for page in pages for r in page]
    assert len(rows) == total == len({r.id for r in rows})
    names = [r.name.lower() for r in rows]
    assert names == sorted(names)


# --- prices and HET -------------------------------------------------------------------------


def test_a_price_change_is_audited_with_the_old_and_new_price(shop, manajer):
    gula = demo_product(shop, "Gula Pasir 1 kg")
    update_product(shop, user=manajer, product_id=gula.id, data=as_input(gula, price=18_000))
    [row] = audit_rows(shop, "product.price", gula.id)
    assert row["user_id"] == manajer.id
    assert json.loads(row["detail"]) == {"price": [gula.price, 18_000]}
    assert get_product(shop, gula.id).price == 18_000


def test_a_pack_price_change_is_audited(shop, manajer):
    gula = demo_product(shop, "Gula Pasir 1 kg")
    dus = gula.units[0]
    units = (UnitInput(dus.name, dus.factor, 340_000, dus.barcodes, dus.id),)
    update_product(shop, user=manajer, product_id=gula.id, data=as_input(gula, units=units))
    [row] = audit_rows(shop, "product.price", gula.id)
    assert json.loads(row["detail"]) == {f"unit:{dus.name}": [dus.price, 340_000]}


def test_an_edit_without_a_price_change_writes_no_price_audit(shop, manajer):
    gula = demo_product(shop, "Gula Pasir 1 kg")
    update_product(shop, user=manajer, product_id=gula.id,
                   data=as_input(gula, name="Gula Pasir Putih 1 kg"))
    assert audit_rows(shop, "product.price", gula.id) == []


def test_a_price_above_het_is_refused_and_writes_nothing(shop, manajer, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(price=14_001, het=14_000))
    assert refused_fields(refused.value) == {"price"}
    assert "Rp14.001" in refused.value.message and "Rp14.000" in refused.value.message
    assert snapshot(shop) == before


def test_a_price_at_het_is_allowed(shop, manajer):
    product = create_product(shop, user=manajer, data=gula_aren(price=14_000, het=14_000))
    assert (product.price, product.het) == (14_000, 14_000)


def test_raising_a_price_above_het_is_refused_and_writes_nothing(shop, manajer, snapshot):
    minyakita = demo_product(shop, "MinyaKita 1 L")  # sold at its HET
    assert minyakita.het is not None
    before = snapshot(shop)
    with pytest.raises(ValidationError):
        update_product(shop, user=manajer, product_id=minyakita.id,
                       data=as_input(minyakita, price=minyakita.het + 100))
    assert snapshot(shop) == before
    assert get_product(shop, minyakita.id).price == minyakita.price


def test_a_pack_priced_above_het_times_its_content_is_refused(shop, manajer, snapshot):
    before = snapshot(shop)
    units = (UnitInput("dus", 20_000, 20 * 14_000 + 1, (GULA_AREN_DUS,)),)
    with pytest.raises(ValidationError) as refused:
        create_product(shop, user=manajer, data=gula_aren(price=13_000, het=14_000, units=units))
    assert refused_fields(refused.value) == {"units.1"}
    assert snapshot(shop) == before
    ok = (UnitInput("dus", 20_000, 20 * 14_000, (GULA_AREN_DUS,)),)
    assert create_product(shop, user=manajer,
                          data=gula_aren(price=13_000, het=14_000, units=ok)).units[0].price == 280_000


# --- the product form -----------------------------------------------------------------------


def test_the_product_form_is_read_into_integers(shop):
    data = parse_product_form(
        {"name": "  Beras Pandan Wangi ", "brand": "Cianjur", "category": "Beras",
         "base_unit": "KG", "price": "Rp 15.500", "cost": "14.000", "het": "16.000",
         "min_stock": "2,5", "opening_stock": "50", "barcodes": "PLU777, 2000000000015 PLU778"},
        [{"name": "karung", "factor": "25", "price": "375.000", "barcodes": "KRG777"},
         {"name": "", "factor": "", "price": "", "barcodes": ""}],  # an empty row is skipped
    )
    assert data.name == "Beras Pandan Wangi" and data.base_unit == "kg" and data.fractional
    assert (data.price, data.cost, data.het) == (15_500, 14_000, 16_000)
    assert (data.min_stock, data.opening_stock) == (2_500, 50_000)
    assert data.barcodes == ("PLU777", "2000000000015", "PLU778")
    assert data.units == (UnitInput("karung", 25_000, 375_000, ("KRG777",)),)


def test_the_product_form_reports_every_problem_at_once_by_field(shop, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        parse_product_form(
            {"name": "Sabun Batang", "base_unit": "pcs", "price": "abc", "cost": "-5",
             "het": "0", "min_stock": "1,5", "opening_stock": "sepuluh"},
            [{"name": "dus", "factor": "x", "price": "", "barcodes": ""},
             {"name": "pak", "factor": "6", "price": "1,5", "barcodes": ""}],
        )
    problems = refused.value.problems
    assert {p.field for p in problems} == {
        "price", "cost", "het", "min_stock", "opening_stock", "units.1", "units.2"}
    assert all(p.message.strip() for p in problems)
    assert {p.row for p in problems if p.field.startswith("units.")} == {1, 2}
    assert snapshot(shop) == before


def test_a_product_form_without_a_price_says_so(shop):
    with pytest.raises(ValidationError) as refused:
        parse_product_form({"name": "Sabun", "base_unit": "pcs", "price": "  "})
    assert [p.field for p in refused.value.problems] == ["price"]


def test_the_product_form_and_the_catalog_rules_report_together(shop, snapshot):
    taken = demo_product(shop, "MinyaKita 1 L").barcodes[0]
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        product_from_form(shop, {"name": " ", "base_unit": "pcs", "price": "abc",
                                 "barcodes": f"{taken}, {wrong_check_digit(GULA_AREN)}"})
    problems = refused.value.problems
    assert {p.field for p in problems} == {"name", "price", "barcodes"}
    assert sum(p.field == "barcodes" for p in problems) == 2
    assert snapshot(shop) == before


def test_a_good_product_form_is_ready_to_save(shop, manajer):
    data = product_from_form(shop, {"name": "Gula Aren Cair", "base_unit": "botol",
                                    "price": "18.500", "barcodes": GULA_AREN})
    product = create_product(shop, user=manajer, data=data)
    assert (product.name, product.base_unit, product.price) == ("Gula Aren Cair", "botol", 18_500)
