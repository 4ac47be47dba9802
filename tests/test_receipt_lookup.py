"""A return starts from the receipt: its barcode, its number, or the end of its number."""

import pytest

from app.models.errors import NotFound
from app.models.sales import find_sale, find_sales, recent_sales
from app.reports.receipt_text import barcode_payload


def test_the_barcode_on_a_receipt_finds_its_sale(shop):
    sale = next(s for s in recent_sales(shop, limit=20) if s.kind == "sale")
    shop_code, day, sequence = sale.number.split("-")
    assert barcode_payload(sale.number) == day + sequence
    assert find_sale(shop, day + sequence).id == sale.id
    assert find_sale(shop, sale.number.lower()).id == sale.id


def test_the_end_of_a_number_lists_the_matching_sales_newest_first(shop):
    sale = next(s for s in recent_sales(shop, limit=20) if s.kind == "sale")
    found = find_sales(shop, sale.number[-4:])
    assert sale.id in {s.id for s in found}
    assert all(s.number.endswith(sale.number[-4:]) or sale.number[-4:] in s.number
               for s in found)
    assert [s.created_at for s in found] == sorted((s.created_at for s in found), reverse=True)


@pytest.mark.parametrize("typed", ["", "KDMP017-000000-9999", "9999999999", "abc"])
def test_a_number_that_is_no_receipt_is_refused_clearly(shop, typed):
    with pytest.raises(NotFound) as refused:
        find_sale(shop, typed)
    assert refused.value.message.strip()


def test_shift_numbers_are_told_apart_from_sale_numbers(shop):
    shift = shop.scalar("SELECT number FROM shifts LIMIT 1")
    assert shift.split("-")[2].startswith("S")
