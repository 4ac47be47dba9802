"""Posting many products at once (the demo shop, catalog imports): all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from app.i18n import _
from app.models import audit
from app.models.barcodes import barcode_problem
from app.models.db import Database
from app.models.errors import Problem, ValidationError
from app.models.products import ProductInput, code_fields, field_problems, insert_product
from app.models.users import User, require

_CHUNK = 500


def catalog_problems(db: Database, items: Sequence[ProductInput]) -> list[Problem]:
    """Every problem in a batch, each with its row number (1 = the first item)."""
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for row, item in enumerate(items, start=1):
        problems += [Problem(p.field, p.message, row) for p in field_problems(item)]
        for key, code in code_fields(item):
            problem = barcode_problem(code)
            if problem:
                problems.append(Problem(key, problem, row))
            elif code in first_row:
                problems.append(Problem(key, _(
                    "Barcode {code} sudah dipakai di baris {other}.").format(
                        code=code, other=first_row[code]), row))
            else:
                first_row[code] = row
    plus: dict[int, int] = {}
    for row, item in enumerate(items, start=1):
        if item.plu is not None:
            if item.plu in plus:
                problems.append(Problem("plu", _("PLU {plu} sudah dipakai di baris {other}.")
                                        .format(plu=item.plu, other=plus[item.plu]), row))
            plus.setdefault(item.plu, row)
    for plu, name in db.query(
        f"SELECT plu, name FROM products WHERE plu IN ({','.join('?' * len(plus))})", list(plus)
    ) if plus else ():
        problems.append(Problem("plu", _("PLU {plu} sudah dipakai oleh {name}.").format(
            plu=plu, name=name), plus[plu]))
    codes = list(first_row)
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        for hit in db.query(
            "SELECT b.code, p.name FROM barcodes b JOIN products p ON p.id = b.product_id"
            f" WHERE b.code IN ({','.join('?' * len(chunk))})", chunk
        ):
            problems.append(Problem("barcodes", _("Barcode {code} sudah dipakai oleh {name}.")
                                    .format(code=hit["code"], name=hit["name"]),
                                    first_row[hit["code"]]))
    return sorted(problems, key=lambda p: p.row or 0)


def import_products(db: Database, *, user: User, items: Sequence[ProductInput]) -> int:
    """Add a batch of products in one transaction; any problem refuses the whole batch."""
    require(user, "product.edit")
    with db.atomic():
        problems = catalog_problems(db, items)
        if problems:
            raise ValidationError(problems)
        for item in items:
            insert_product(db, user=user, data=item)
        audit.record(db, user_id=user.id, action="product.import", entity="product",
                     detail={"count": len(items)})
    return len(items)
