"""Finding products: the catalog list a page at a time, FTS5 search, categories, a product
by its barcode or exact name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.models.db import Database
from app.models.products import find_by_barcode


@dataclass(frozen=True)
class ProductRow:
    """One line of the catalog table."""

    id: str
    name: str
    brand: str
    category: str
    base_unit: str
    price: int
    het: int | None
    stock: int
    min_stock: int
    archived: bool
    codes: str


def fts_query(text: str) -> str:
    """Words typed by a person as an FTS5 prefix query: ``minyak gor`` → ``"minyak"* "gor"*``."""
    return " ".join(f'"{token}"*' for token in re.findall(r"\w+", (text or "").lower()))


_ROW_COLUMNS = (
    "p.id, p.name, p.brand, p.category, p.base_unit, p.price, p.het, coalesce(b.qty, 0) + coalesce(c.qty, 0) AS stock,"
    " p.min_stock, p.archived, s.codes"
)
#: The shop's own stock and, for consigned goods, the producers' stock in the shop.
_STOCK_JOINS = (" LEFT JOIN stock_balances b ON b.product_id = p.id"
                " LEFT JOIN consigned_stock c ON c.product_id = p.id")


def _rows(rows) -> list[ProductRow]:
    return [ProductRow(r["id"], r["name"], r["brand"], r["category"], r["base_unit"], r["price"],
                       r["het"], r["stock"], r["min_stock"], bool(r["archived"]), r["codes"] or "")
            for r in rows]


def count_products(db: Database, text: str = "", *, include_archived: bool = False) -> int:
    match = fts_query(text)
    archived = "" if include_archived else " AND p.archived = 0"
    if not match:
        return db.scalar(f"SELECT count(*) FROM products p WHERE 1{archived}")
    return db.scalar(
        "SELECT count(*) FROM product_search s JOIN products p ON p.rowid = s.rowid"
        f" WHERE product_search MATCH ?{archived}", (match,))


def list_products(db: Database, text: str = "", *, offset: int = 0, limit: int = 50,
                  include_archived: bool = False) -> list[ProductRow]:
    """One page of the catalog: by name when browsing, best match first when searching."""
    match = fts_query(text)
    archived = "" if include_archived else " AND p.archived = 0"
    if not match:
        return _rows(db.query(
            f"SELECT {_ROW_COLUMNS} FROM products p"
            " JOIN product_search s ON s.rowid = p.rowid"
            f"{_STOCK_JOINS} WHERE 1{archived} ORDER BY p.archived, p.name COLLATE NOCASE, p.id"
            " LIMIT ? OFFSET ?", (limit, offset)))
    if _is_broad(db, match):
        # Ranking tens of thousands of hits costs more than it tells: list them by name.
        return _rows(db.query(
            f"SELECT {_ROW_COLUMNS} FROM products p JOIN product_search s ON s.rowid = p.rowid"
            f"{_STOCK_JOINS} WHERE p.rowid IN (SELECT rowid FROM product_search WHERE product_search MATCH ?)"
            f"{archived} ORDER BY p.archived, p.name COLLATE NOCASE, p.id LIMIT ? OFFSET ?",
            (match, limit, offset)))
    return _rows(db.query(
        f"SELECT {_ROW_COLUMNS} FROM product_search s JOIN products p ON p.rowid = s.rowid"
        f"{_STOCK_JOINS} WHERE product_search MATCH ?{archived}"
        f" ORDER BY bm25(product_search, {_WEIGHTS}), p.id LIMIT ? OFFSET ?",
        (match, limit, offset)))


#: bm25 weights of name, brand, category, codes: a hit in the name counts most.
_WEIGHTS = "10.0, 4.0, 2.0, 5.0"
#: Above this many hits a search is listed by name rather than ranked.
BROAD_SEARCH = 20_000


def _is_broad(db: Database, match: str) -> bool:
    return db.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM product_search WHERE product_search MATCH ?"
        " LIMIT ?)", (match, BROAD_SEARCH)) >= BROAD_SEARCH


def search_products(db: Database, text: str, *, limit: int = 20) -> list[ProductRow]:
    """Search-as-you-type: the best matches among products on sale."""
    return list_products(db, text, limit=limit) if fts_query(text) else []


def categories(db: Database) -> list[str]:
    return [r[0] for r in db.query(
        "SELECT DISTINCT category FROM products WHERE category <> '' ORDER BY category")]


def find_product(db: Database, text: str) -> str | None:
    """A product by a barcode of it or its exact name (any case): its id, or None."""
    hit = find_by_barcode(db, (text or "").strip())
    if hit is not None:
        return hit.product.id
    return db.scalar("SELECT id FROM products WHERE name = ? COLLATE NOCASE",
                     ((text or "").strip(),))
