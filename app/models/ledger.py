"""The general ledger, read from the shop's own documents, and the statements built on it:
trial balance, PHU (income statement), neraca (balance sheet), cash and bank books.

Each document becomes a few balanced lines (debit +, credit −) on the chart of accounts of
:mod:`app.models.books`. Sales are summed per shift and day (a year of sales would
otherwise be a hundred thousand lines nobody reads); every other document is its own
entry. Because the lines come from the documents, the books cannot drift from the till,
the stock or the members' ledgers, and an entry can never be half-written.

Where money sits:
- the drawer (1101) gets the shift's float from the treasurer's cash (1102), the cash of
  its sales and refunds, the drawer's other cash in and out (each naming its account:
  savings, bon, pre-order deposits, or the treasurer's cash), its over/short at the close,
  and then hands the counted cash back to the treasurer — so after a close the drawer is
  empty in the books as it is in the shop;
- the treasurer's cash (1102) and the bank (1110) take what is paid at the office.

The few rupiah a document's own rounding leaves (a stock value split at the average) go to
6110 so that every entry balances exactly; in practice it is zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import _
from app.models import books
from app.models.books import Account
from app.models.clock import zone
from app.models.db import Database
from app.models.errors import UserError
from app.models.settings import get_settings, shop_today
from app.models.stock_views import day_bounds


@dataclass(frozen=True)
class Line:
    day: str          # the shop's day, ISO
    at: str           # UTC ISO instant, for the order within a day
    source: str
    doc_id: str
    number: str
    memo: str
    account: str
    amount: int       # debit +, credit −


def _offset(db: Database) -> str:
    minutes = int(zone(get_settings(db).zone).utcoffset(None).total_seconds() // 60)
    return f"{minutes:+d} minutes"


_PAY = "CASE {m} WHEN 'cash' THEN '1102' ELSE '1110' END"
_IN_DRAWER = "({t}.shift_id IS NOT NULL AND {t}.method = 'cash')"


_SALES_KEY = ("date(s.created_at, :off) AS day, max(s.created_at) AS at, s.shift_id,"
              " sh.number")
_SALES_FROM = ("sales s JOIN shifts sh ON sh.id = s.shift_id"
               " {join} WHERE s.created_at >= :since AND s.created_at < :until")
_METHOD_ACCOUNTS = {"cash": "1101", "bon": "1120", "deposit": "2104", "qris": "1110",
                    "transfer": "1110"}


def _sales_rows(db: Database, params: dict) -> list[tuple]:
    """The sales of each shift and day as one entry, read in three passes (a year is a
    hundred thousand sales): money in by payment method against sales (returns and voids
    apart), the cost of the goods against the stock — or, for consigned goods, against
    what the producers are owed."""
    rows = []
    for r in db.query(
            f"SELECT {_SALES_KEY}, p.method, s.kind <> 'sale', sum(p.amount)"
            f" FROM {_SALES_FROM.format(join='JOIN payments p ON p.sale_id = s.id')}"
            " GROUP BY 1, 3, 5, 6", params):
        day, at, shift_id, number, method, back, amount = tuple(r)
        head = (day, at, "sales", shift_id, number, "")
        rows.append((*head, _METHOD_ACCOUNTS[method], amount))
        rows.append((*head, books.SALES_RETURNS if back else books.SALES, -amount))
    due = {(r[0], r[1]): r[2] for r in db.query(
        "SELECT date(s.created_at, :off), s.shift_id, sum(c.due) FROM consignment_movements c"
        " JOIN sales s ON s.id = c.doc_id WHERE c.kind IN ('sale', 'sale_return')"
        " AND s.created_at >= :since AND s.created_at < :until GROUP BY 1, 2", params)}
    for r in db.query(f"SELECT {_SALES_KEY}, sum(l.cost)"
                      f" FROM {_SALES_FROM.format(join='JOIN sale_lines l ON l.sale_id = s.id')}"
                      " GROUP BY 1, 3", params):
        day, at, shift_id, number, cost = tuple(r)
        head = (day, at, "sales", shift_id, number, "")
        owed = due.get((day, shift_id), 0)
        rows.append((*head, books.COGS, cost))
        rows.append((*head, books.INVENTORY, -(cost - owed)))
        rows.append((*head, books.CONSIGNOR, -owed))
    return rows


def _sql() -> str:
    """Every other source's lines between :since and :until (journal entries by their own
    date, :d0..:d1). Columns: day, at, source, doc_id, number, memo, account, amount.
    (The cost of own goods sold is what their stock movements took out of the stock's
    value — sales write it so — and ``gerai check`` proves the stock account equals the
    stock's value.)"""
    return """
    SELECT date(r.created_at, :off), r.created_at, 'receipt', r.id, r.number, su.name, '1130',
           sum(m.value)
      FROM goods_receipts r JOIN suppliers su ON su.id = r.supplier_id
      JOIN stock_movements m ON m.doc_type = 'receipt' AND m.doc_id = r.id
     WHERE r.created_at >= :since AND r.created_at < :until GROUP BY r.id
    UNION ALL
    SELECT date(r.created_at, :off), r.created_at, 'receipt', r.id, r.number, su.name, '2101',
           -i.amount
      FROM goods_receipts r JOIN suppliers su ON su.id = r.supplier_id
      JOIN supplier_invoices i ON i.receipt_id = r.id
     WHERE r.created_at >= :since AND r.created_at < :until
    UNION ALL
    SELECT date(i.created_at, :off), i.created_at, 'invoice', i.id, i.number, su.name, x.account,
           x.sign * i.amount
      FROM supplier_invoices i JOIN suppliers su ON su.id = i.supplier_id
      JOIN (SELECT '2101' AS account, -1 AS sign UNION ALL SELECT '6109', 1) x
     WHERE i.receipt_id IS NULL AND i.created_at >= :since AND i.created_at < :until
    UNION ALL
    SELECT date(p.created_at, :off), p.created_at, 'supplier_payment', p.id, p.number, su.name,
           x.account, x.sign * p.amount
      FROM supplier_payments p JOIN suppliers su ON su.id = p.supplier_id
      JOIN (SELECT '2101' AS account, 1 AS sign, '' AS method
            UNION ALL SELECT '1102', -1, 'cash' UNION ALL SELECT '1110', -1, 'transfer') x
        ON x.method IN ('', p.method)
     WHERE p.created_at >= :since AND p.created_at < :until

    UNION ALL
    SELECT date(m.created_at, :off), max(m.created_at), 'stock', m.kind, '', m.kind, x.account,
           x.sign * sum(m.value)
      FROM stock_movements m
      JOIN (SELECT '1130' AS account, 1 AS sign, '' AS kind
            UNION ALL SELECT '3201', -1, 'opening' UNION ALL SELECT '6106', -1, '*') x
        ON x.kind = '' OR x.kind = CASE m.kind WHEN 'opening' THEN 'opening' ELSE '*' END
     WHERE (m.doc_type IS NULL OR m.doc_type NOT IN ('sale', 'return', 'void', 'receipt'))
       AND m.created_at >= :since AND m.created_at < :until
     GROUP BY 1, m.kind, x.account
    UNION ALL
    SELECT date(c.created_at, :off), max(c.created_at), 'consignment_count', 'count', '', '',
           x.account, x.sign * sum(c.due)
      FROM consignment_movements c
      JOIN (SELECT '6108' AS account, 1 AS sign UNION ALL SELECT '2102', -1) x
     WHERE c.kind NOT IN ('sale', 'sale_return') AND c.due <> 0
       AND c.created_at >= :since AND c.created_at < :until
     GROUP BY 1, x.account
    UNION ALL
    SELECT date(p.created_at, :off), p.created_at, 'consignor_payment', p.id, p.number, k.name,
           x.account, x.sign * p.amount
      FROM consignor_payments p JOIN consignors k ON k.id = p.consignor_id
      JOIN (SELECT '2102' AS account, 1 AS sign, '' AS method
            UNION ALL SELECT '1102', -1, 'cash' UNION ALL SELECT '1110', -1, 'transfer') x
        ON x.method IN ('', p.method)
     WHERE p.created_at >= :since AND p.created_at < :until

    UNION ALL
    SELECT date(h.opened_at, :off), h.opened_at, 'shift_open', h.id, h.number, h.till,
           x.account, x.sign * h.opening_float
      FROM shifts h JOIN (SELECT '1101' AS account, 1 AS sign UNION ALL SELECT '1102', -1) x
     WHERE h.opening_float <> 0 AND h.opened_at >= :since AND h.opened_at < :until
    UNION ALL
    SELECT date(c.created_at, :off), c.created_at, 'shift_cash', c.id, h.number, c.reason,
           coalesce(x.account, c.account), x.sign * c.amount
      FROM shift_cash c JOIN shifts h ON h.id = c.shift_id
      JOIN (SELECT '1101' AS account, 1 AS sign UNION ALL SELECT NULL, -1) x
     WHERE c.created_at >= :since AND c.created_at < :until
    UNION ALL
    SELECT date(h.closed_at, :off), h.closed_at, 'shift_close', h.id, h.number, h.till,
           x.account, CASE WHEN x.part LIKE 'os%' THEN x.sign * h.over_short
                      ELSE x.sign * h.counted_cash END
      FROM shifts h JOIN (SELECT '1101' AS account, 1 AS sign, 'os' AS part
                          UNION ALL SELECT '4202', -1, 'os+' UNION ALL SELECT '6107', -1, 'os-'
                          UNION ALL SELECT '1102', 1, 'hand' UNION ALL SELECT '1101', -1, 'hand') x
        ON x.part IN ('os', 'hand') OR (x.part = 'os+' AND h.over_short > 0)
           OR (x.part = 'os-' AND h.over_short < 0)
     WHERE h.closed_at IS NOT NULL AND h.closed_at >= :since AND h.closed_at < :until

    """


def _sql_members() -> str:
    """Savings and bon repayments paid at the office, or at the till by transfer (those in
    the drawer are already in the books through the drawer's cash)."""
    return f"""
    SELECT date(v.created_at, :off), v.created_at, 'savings', v.id, v.number,
           m.number || ' ' || m.name, {_PAY.format(m='v.method')}, v.amount
      FROM savings_movements v JOIN members m ON m.id = v.member_id
     WHERE NOT {_IN_DRAWER.format(t='v')} AND v.created_at >= :since AND v.created_at < :until
    UNION ALL
    SELECT date(v.created_at, :off), v.created_at, 'savings', v.id, v.number,
           m.number || ' ' || m.name,
           CASE v.kind WHEN 'pokok' THEN '3101' WHEN 'wajib' THEN '3102' ELSE '2103' END,
           -v.amount
      FROM savings_movements v JOIN members m ON m.id = v.member_id
     WHERE NOT {_IN_DRAWER.format(t='v')} AND v.created_at >= :since AND v.created_at < :until
    UNION ALL
    SELECT date(p.created_at, :off), p.created_at, 'credit_payment', p.id, p.number,
           m.number || ' ' || m.name, x.account, x.sign * p.amount
      FROM credit_payments p JOIN members m ON m.id = p.member_id
      JOIN (SELECT '1120' AS account, -1 AS sign, '' AS method
            UNION ALL SELECT '1102', 1, 'cash' UNION ALL SELECT '1110', 1, 'transfer'
            UNION ALL SELECT '1110', 1, 'qris') x ON x.method IN ('', p.method)
     WHERE NOT {_IN_DRAWER.format(t='p')} AND p.created_at >= :since AND p.created_at < :until
    UNION ALL
    SELECT e.entry_date, e.created_at, 'journal', e.id, e.number, e.memo, l.account, l.amount
      FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
     WHERE e.entry_date >= :d0 AND e.entry_date <= :d1
    """


_MEMO = {
    "sales": lambda r: _("Penjualan shift {number}").format(number=r["number"]),
    "receipt": lambda r: _("Penerimaan barang dari {name}").format(name=r["memo"]),
    "invoice": lambda r: _("Faktur pemasok {name}").format(name=r["memo"]),
    "supplier_payment": lambda r: _("Bayar pemasok {name}").format(name=r["memo"]),
    "stock": lambda r: _("Koreksi persediaan ({kind})").format(kind=r["memo"]),
    "consignment_count": lambda r: _("Kekurangan barang titipan ditanggung gerai"),
    "consignor_payment": lambda r: _("Bayar penitip {name}").format(name=r["memo"]),
    "shift_open": lambda r: _("Modal laci shift {number}").format(number=r["number"]),
    "shift_cash": lambda r: r["memo"],
    "shift_close": lambda r: _("Tutup shift {number}: setor ke bendahara").format(
        number=r["number"]),
    "savings": lambda r: _("Simpanan {member}").format(member=r["memo"]),
    "credit_payment": lambda r: _("Bayar bon {member}").format(member=r["memo"]),
    "journal": lambda r: r["memo"],
}


def _params(db: Database, date_from: date | None, date_to: date | None) -> dict:
    since, until = day_bounds(db, date_from, date_to)
    return {"since": since, "until": until, "off": _offset(db),
            "d0": date_from.isoformat() if date_from else "0000-00-00",
            "d1": date_to.isoformat() if date_to else "9999-12-31"}


def lines(db: Database, date_from: date | None = None, date_to: date | None = None
          ) -> list[Line]:
    """Every ledger line of the shop's days ``date_from``..``date_to`` (None: open), in
    order, each document balanced (its rounding, if any, on 6110)."""
    params = _params(db, date_from, date_to)
    rows = [tuple(r) for r in db.query(f"{_sql()} UNION ALL {_sql_members()}", params)]
    rows = [r for r in rows + _sales_rows(db, params) if r[7]]
    found: list[Line] = []
    per_doc: dict[tuple, int] = defaultdict(int)
    first: dict[tuple, Line] = {}
    for r in rows:
        r = dict(zip(("day", "at", "source", "doc_id", "number", "memo", "account", "amount"),
                     r, strict=True))
        memo = _MEMO[r["source"]](r)
        line = Line(r["day"], r["at"], r["source"], r["doc_id"], r["number"], memo,
                    r["account"], r["amount"])
        found.append(line)
        key = (line.source, line.doc_id, line.day)
        per_doc[key] += line.amount
        first.setdefault(key, line)
    for key, left in per_doc.items():
        if left:
            head = first[key]
            found.append(Line(head.day, head.at, head.source, head.doc_id, head.number,
                              head.memo, books.ROUNDING, -left))
    found.sort(key=lambda x: (x.day, x.at, x.doc_id))
    return found


def totals(db: Database, date_from: date | None = None, date_to: date | None = None
           ) -> dict[str, int]:
    """Each account's movement (debit +) over the days; None sides are open."""
    found: dict[str, int] = defaultdict(int)
    for line in lines(db, date_from, date_to):
        found[line.account] += line.amount
    return dict(found)


def _check_period(db: Database, date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise UserError(_("Tanggal awal sesudah tanggal akhir."), "date_from")
    if date_from > shop_today(db):
        raise UserError(_("Periode laporan belum dimulai."), "date_from")


# -- statements ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TrialRow:
    account: Account
    opening: int     # debit +
    debit: int
    credit: int

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit


def trial_balance(db: Database, date_from: date, date_to: date) -> list[TrialRow]:
    _check_period(db, date_from, date_to)
    opening = totals(db, None, date_from - timedelta(days=1))
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    for line in lines(db, date_from, date_to):
        if line.amount > 0:
            debit[line.account] += line.amount
        else:
            credit[line.account] -= line.amount
    return [TrialRow(a, opening.get(a.code, 0), debit[a.code], credit[a.code])
            for a in books.accounts(db)
            if opening.get(a.code) or debit[a.code] or credit[a.code]]


@dataclass(frozen=True)
class IncomeStatement:
    """PHU: income and costs of a period, each as a positive amount of its own kind."""

    date_from: date
    date_to: date
    income: tuple[tuple[Account, int], ...]     # credit-normal: sales +, returns −
    cogs: int
    expenses: tuple[tuple[Account, int], ...]   # 6xxx

    @property
    def net_sales(self) -> int:
        return sum(v for a, v in self.income if a.code in (books.SALES, books.SALES_RETURNS))

    @property
    def other_income(self) -> int:
        return sum(v for a, v in self.income if a.code not in (books.SALES,
                                                              books.SALES_RETURNS))

    @property
    def gross_margin(self) -> int:
        return self.net_sales - self.cogs

    @property
    def total_expenses(self) -> int:
        return sum(v for _a, v in self.expenses)

    @property
    def surplus(self) -> int:
        """SHU before allocation: what the year's business left (negative: a loss)."""
        return self.gross_margin + self.other_income - self.total_expenses


def _statement(db: Database, moved: dict[str, int], date_from: date, date_to: date
               ) -> IncomeStatement:
    income, expenses, cogs = [], [], 0
    for account in books.accounts(db):
        value = moved.get(account.code, 0)
        if account.kind == "income":
            if value or account.code in (books.SALES, books.SALES_RETURNS):
                income.append((account, -value))
        elif account.kind == "expense":
            if account.code == books.COGS:
                cogs = value
            elif value:
                expenses.append((account, value))
    return IncomeStatement(date_from, date_to, tuple(income), cogs, tuple(expenses))


def income_statement(db: Database, date_from: date, date_to: date) -> IncomeStatement:
    _check_period(db, date_from, date_to)
    return _statement(db, totals(db, date_from, date_to), date_from, date_to)


@dataclass(frozen=True)
class BalanceSheet:
    """Neraca at the end of a day. Equity includes the surplus not yet shared: this year's
    so far and earlier years' (until an entry records their sharing)."""

    as_of: date
    assets: tuple[tuple[Account, int], ...]
    liabilities: tuple[tuple[Account, int], ...]
    equity: tuple[tuple[Account, int], ...]
    surplus_this_year: int
    surplus_before: int

    @property
    def total_assets(self) -> int:
        return sum(v for _a, v in self.assets)

    @property
    def total_liabilities(self) -> int:
        return sum(v for _a, v in self.liabilities)

    @property
    def total_equity(self) -> int:
        return (sum(v for _a, v in self.equity) + self.surplus_this_year
                + self.surplus_before)

    @property
    def balanced(self) -> bool:
        return self.total_assets == self.total_liabilities + self.total_equity


def balance_sheet(db: Database, as_of: date) -> BalanceSheet:
    if as_of > shop_today(db):
        raise UserError(_("Tanggal laporan belum terjadi."), "as_of")
    year_start = date(as_of.year, 1, 1)
    before = totals(db, None, year_start - timedelta(days=1))
    this_year = totals(db, year_start, as_of)
    closing = defaultdict(int, before)
    for code, value in this_year.items():
        closing[code] += value
    assets, liabilities, equity = [], [], []
    for account in books.accounts(db):
        value = closing.get(account.code, 0)
        if account.kind == "asset" and (value or account.system):
            assets.append((account, value))
        elif account.kind == "liability" and (value or account.system):
            liabilities.append((account, -value))
        elif account.kind == "equity" and (value or account.system):
            equity.append((account, -value))

    def result(moved):
        return -sum(v for code, v in moved.items()
                    if code[0] in "456")   # income (credit −) less costs (debit +)

    return BalanceSheet(as_of, tuple(assets), tuple(liabilities), tuple(equity),
                        result(this_year), result(before))


@dataclass(frozen=True)
class BookLine:
    day: str
    number: str
    memo: str
    source: str
    money_in: int
    money_out: int
    balance: int


@dataclass(frozen=True)
class CashBook:
    date_from: date
    date_to: date
    accounts: tuple[str, ...]
    opening: int
    lines: tuple[BookLine, ...]

    @property
    def money_in(self) -> int:
        return sum(x.money_in for x in self.lines)

    @property
    def money_out(self) -> int:
        return sum(x.money_out for x in self.lines)

    @property
    def closing(self) -> int:
        return self.opening + self.money_in - self.money_out


def cash_book(db: Database, date_from: date, date_to: date,
              accounts: tuple[str, ...] = books.CASH) -> CashBook:
    """Buku kas: every document that moved money in or out of ``accounts`` (the drawer and
    the treasurer's cash by default; the bank with ``(books.BANK,)``) with the running
    balance. Money moved between the accounts of the book (the float, a close's hand-over)
    is not money in or out and is left out."""
    _check_period(db, date_from, date_to)
    moved = totals(db, None, date_from - timedelta(days=1))
    opening = sum(moved.get(code, 0) for code in accounts)
    per_doc: dict[tuple, list] = {}
    for line in lines(db, date_from, date_to):
        if line.account not in accounts:
            continue
        key = (line.day, line.source, line.doc_id)
        if key not in per_doc:
            per_doc[key] = [line, 0]
        per_doc[key][1] += line.amount
    running, found = opening, []
    for head, net in per_doc.values():
        if not net:
            continue
        running += net
        found.append(BookLine(head.day, head.number,
                              head.memo, head.source, max(net, 0), max(-net, 0), running))
    return CashBook(date_from, date_to, accounts, opening, tuple(found))
