"""The consignment forms as the manager types them: a nota titip line read from its cells,
what is given back, a count; the figures shown beside them reckoned in the domain."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import consignment, consignment_stock, consignors
from app.models import consignment_forms as forms
from app.models.errors import UserError, ValidationError
from app.models.money import QTY_SCALE as K
from app.models.product_search import list_products
from app.models.products import ProductInput, create_product


@pytest.fixture
def sari(shop, manajer):
    return consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
        {"name": "Ibu Sari", "commission": "15"}))


@pytest.fixture
def budi(shop, manajer):
    return consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
        {"name": "Pak Budi", "terms": "fixed"}))


@pytest.fixture
def keripik(shop, manajer):
    return create_product(shop, user=manajer, data=ProductInput(
        name="Keripik Uji 250 g", base_unit="pcs", price=12_000, category="UMKM"))


def form(item, who=None, **cells) -> dict[str, str]:
    return {"product_id": item.id, "consignor_id": who.id if who else "", "qty": "1", **cells}


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_a_day_shown_reads_back_as_the_same_day(day):
    assert forms.parse_day(forms.day_text(day), field="d", what="d") == day
    assert forms.parse_day(day.isoformat(), field="d", what="d") == day


@pytest.mark.parametrize("text", ["31-02-2027", "besok", "2027/13/01", "12-2027"])
def test_a_day_that_is_no_day_is_refused_with_its_field(text):
    with pytest.raises(UserError, match="tidak valid") as caught:
        forms.parse_day(text, field="expires_on", what="Tanggal kedaluwarsa")
    assert caught.value.field == "expires_on"


def test_a_line_is_read_from_its_cells(shop, budi, keripik):
    today = forms.shop_today(shop)
    line = forms.intake_line_from_form(shop, form(
        keripik, budi, qty="24", producer_price="9.500", batch_code=" KP  07 ",
        produced_on=forms.day_text(today - timedelta(days=2)),
        expires_on=(today + timedelta(days=90)).isoformat()))
    assert line == consignment.IntakeLine(keripik.id, 24 * K, producer_price=9_500,
                                          batch_code="KP 07",
                                          produced_on=today - timedelta(days=2),
                                          expires_on=today + timedelta(days=90))


@pytest.mark.parametrize(("cells", "field", "message"), [
    ({"qty": "1,5"}, "qty", "harus bilangan bulat"),
    ({"qty": "0"}, "qty", "tidak boleh nol"),
    ({"producer_price": ""}, "producer_price", "harus diisi"),
    ({"producer_price": "13.000"}, "producer_price", "lebih tinggi dari harga jual"),
    ({"expires_on": "yesterday"}, "expires_on", "sudah kedaluwarsa"),
    ({"produced_on": "tomorrow"}, "produced_on", "di masa depan"),
    ({"batch_code": "X" * 41}, "batch_code", "paling banyak 40"),
])
def test_a_wrong_cell_is_refused_under_its_own_field(shop, budi, keripik, cells, field, message):
    today = forms.shop_today(shop)
    days = {"yesterday": today - timedelta(days=1), "tomorrow": today + timedelta(days=1)}
    cells = {k: forms.day_text(days[v]) if v in days else v for k, v in cells.items()}
    with pytest.raises(UserError, match=message) as caught:
        forms.intake_line_from_form(shop, form(keripik, budi, **{"producer_price": "9500",
                                                                 **cells}))
    assert caught.value.field == field


def test_under_a_commission_the_producers_price_follows_the_till(shop, sari, budi, keripik):
    line = forms.intake_line_from_form(shop, form(keripik, sari, producer_price="5000"))
    assert line.producer_price is None        # not theirs to type
    row = forms.IntakeRow(keripik.id, keripik.name, "pcs", 12_000, qty="10")
    assert forms.row_figures(sari, row) == forms.RowFigures(10_200, 120_000, 102_000)
    fixed = forms.IntakeRow(keripik.id, keripik.name, "pcs", 12_000, qty="10",
                            producer_price="9.500")
    assert forms.row_figures(budi, fixed) == forms.RowFigures(9_500, 120_000, 95_000)
    assert forms.intake_totals(sari, [row, row]) == forms.IntakeTotals(2, 240_000, 204_000)


def test_every_bad_line_is_reported_at_once_with_its_row(shop, budi, keripik):
    good = forms.IntakeRow(keripik.id, keripik.name, "pcs", 12_000, qty="2",
                           producer_price="9500")
    rows = [good, forms.IntakeRow(keripik.id, keripik.name, "pcs", 12_000, qty="dua",
                                  producer_price="9500"),
            forms.IntakeRow(keripik.id, keripik.name, "pcs", 12_000, qty="1")]
    with pytest.raises(ValidationError) as caught:
        forms.intake_lines(shop, budi.id, rows)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "qty"), (3, "producer_price")]
    assert caught.value.problems[0].message.startswith("Baris 2: ")
    with pytest.raises(UserError, match="Pilih penitip"):
        forms.intake_lines(shop, None, rows)


def test_a_second_scan_adds_to_the_line_and_the_last_agreed_price_comes_back(
        shop, manajer, budi, keripik):
    rows, at = forms.add_product(shop, (), budi.id, keripik.id)
    rows, again = forms.add_product(shop, rows, budi.id, keripik.id, 12 * K)
    assert (at, again, len(rows), rows[0].qty, rows[0].producer_price) == (0, 0, 1, "13", "")
    consignment.post_intake(shop, user=manajer, consignor_id=budi.id, lines=[
        consignment.IntakeLine(keripik.id, 5 * K, producer_price=9_000)])
    rows, _at = forms.add_product(shop, (), budi.id, keripik.id)
    assert rows[0].producer_price == "9.000"


def test_the_shops_own_stock_is_not_taken_in_as_consigned(shop, sari):
    gula = next(p for p in list_products(shop, "Gula Pasir 1 kg") if p.name == "Gula Pasir 1 kg")
    with pytest.raises(UserError, match="stok milik gerai") as caught:
        forms.add_product(shop, (), sari.id, gula.id)
    assert caught.value.field == "scan"


def test_returns_and_counts_are_read_per_batch(shop, manajer, budi, keripik):
    consignment.post_intake(shop, user=manajer, consignor_id=budi.id, lines=[
        consignment.IntakeLine(keripik.id, 10 * K, producer_price=9_500)])
    [batch] = consignment_stock.batches(shop, consignor_id=budi.id)
    assert forms.return_quantities([batch], ["4"]) == {batch.id: 4 * K}
    assert forms.return_quantities([batch], [""]) == {}
    with pytest.raises(ValidationError, match="padahal sisa di gerai 10 pcs") as caught:
        forms.return_quantities([batch], ["11"])
    assert caught.value.problems[0].row == 1
    assert forms.count_figures(batch, "8") == forms.CountFigures(8 * K, -2 * K, -19_000)
    assert forms.count_figures(batch, "").counted is None
    assert forms.count_figures(batch, "dua").problem
    assert forms.counted_quantities([batch], ["12"]) == {batch.id: 12 * K}
    assert forms.count_totals([batch], ["12"]) == forms.CountTotals(1, 1, 19_000)
    with pytest.raises(ValidationError):
        forms.counted_quantities([batch], ["-1"])


def test_expiry_is_marked_past_and_near(shop, manajer, budi, keripik):
    today = forms.shop_today(shop)
    consignment.post_intake(shop, user=manajer, consignor_id=budi.id, lines=[
        consignment.IntakeLine(keripik.id, K, producer_price=9_500,
                               expires_on=today + timedelta(days=10))])
    [batch] = consignment_stock.batches(shop, consignor_id=budi.id)
    assert forms.expiry_state(batch, today) == "near"
    assert forms.expiry_state(batch, today + timedelta(days=11)) == "expired"
    assert forms.expiry_state(batch, today - timedelta(days=30)) == ""
    number = forms.document_number(shop, "intake", shop.scalar(
        "SELECT id FROM consignment_intakes"))
    assert number == batch.intake_number
