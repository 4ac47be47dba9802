"""The treasurer's small forms on the journal page: an expense paid (F2) or other income
received (F3), cash taken to the bank (F7), and a new income or expense account (F9).

Each is one call into the domain; what it refuses is said under the field it names, the
cursor goes there, and nothing is written. Enter goes on to the next field, Ctrl+S saves.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout

from app.i18n import _
from app.models import books, journal_input
from app.models.books import JournalEntry
from app.models.clock import day_text
from app.models.money import format_rupiah
from app.models.settings import shop_today
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row


def day_field(session: Session) -> QLineEdit:
    """A day typed as dd-mm-yyyy, today to start with."""
    field = QLineEdit(day_text(shop_today(session.db)))
    field.setObjectName("day")
    field.setPlaceholderText(_("hh-bb-tttt"))
    return field


def line_field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    return field


class EntryDialog(FormDialog):
    """What the small forms share: the error form, the fields by the domain's field names
    (so a refusal finds its field) and the entry once it is saved."""

    def __init__(self, session: Session, title: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.entry: JournalEntry | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = ErrorForm()
        self.fields: dict[str, object] = {}

    def add(self, key: str, label: str, widget):
        self.fields[key] = widget
        self.form.add(key, label, widget)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _text: self.form.errors[key].show_message(None))
        return widget

    def finish(self, save_text: str, intro: str = "") -> None:
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setObjectName("intro")
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, save_text, self.save))

    def save(self) -> None:
        self.saving(self.write)

    def write(self) -> None:
        raise NotImplementedError


def method_label(kind: str, method: str) -> str:
    if kind == "expense":
        return {"cash": _("Tunai dari kas bendahara"), "transfer": _("Transfer bank")}[method]
    return {"cash": _("Tunai ke kas bendahara"), "transfer": _("Masuk ke rekening bank")}[method]


class ExpenseDialog(EntryDialog):
    """An expense paid (``kind="expense"``) or other income received (``"income"``): day,
    account, amount, cash or transfer (a transfer needs the slip's reference), what it was."""

    def __init__(self, session: Session, *, kind: str = "expense", parent=None):
        expense = kind == "expense"
        super().__init__(session, _("Catat biaya") if expense else _("Pendapatan lain"),
                         parent)
        self.kind = kind
        db = session.db
        accounts = (journal_input.expense_accounts(db) if expense
                    else journal_input.income_accounts(db))
        self.day = self.add("day", _("Tanggal"), day_field(session))
        self.account = QComboBox()
        self.account.setObjectName("account")
        for account in accounts:
            self.account.addItem(account.label, account.code)
        self.add("account", _("Akun beban") if expense else _("Akun pendapatan"), self.account)
        self.amount = self.add("amount", _("Jumlah (Rp)"), line_field("amount", "0"))
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in books.PAY_ACCOUNTS:
            self.method.addItem(method_label(kind, method), method)
        self.add("method", _("Dibayar dengan") if expense else _("Diterima"), self.method)
        self.reference = self.add("reference", _("Referensi"), line_field(
            "reference", _("nomor bukti transfer (wajib untuk transfer)")))
        self.memo = self.add("memo", _("Keterangan"), line_field(
            "memo", _("mis. Listrik bulan Oktober") if expense else _("mis. Sewa freezer")))
        self.finish(_("Simpan"))
        self.account.setFocus()

    def write(self) -> None:
        record = books.record_expense if self.kind == "expense" else books.record_income
        self.entry = record(self.session.db, user=self.session.user, day=self.day.text(),
                            account=self.account.currentData(), amount=self.amount.text(),
                            method=self.method.currentData(), memo=self.memo.text(),
                            reference=self.reference.text())


class BankDepositDialog(EntryDialog):
    """Cash from the treasurer's box to the bank: day, amount, the deposit slip's number."""

    def __init__(self, session: Session, parent=None):
        super().__init__(session, _("Setor kas ke bank"), parent)
        held = journal_input.office_cash(session.db, shop_today(session.db))
        self.day = self.add("day", _("Tanggal"), day_field(session))
        self.amount = self.add("amount", _("Jumlah setoran (Rp)"), line_field("amount", "0"))
        self.reference = self.add("reference", _("No. slip setoran"), line_field(
            "reference", _("nomor pada slip setoran bank")))
        self.memo = self.add("memo", _("Keterangan"), line_field(
            "memo", _("Setor kas ke bank")))
        self.finish(_("Simpan"), _("Kas bendahara menurut buku hari ini: {cash}").format(
            cash=format_rupiah(held)))
        self.amount.setFocus()

    def write(self) -> None:
        self.entry = journal_input.deposit_to_bank(
            self.session.db, user=self.session.user, day=self.day.text(),
            amount=self.amount.text(), reference=self.reference.text(), memo=self.memo.text())


class AccountDialog(EntryDialog):
    """A new expense (6xxx) or income (4xxx) account, e.g. 6111 Beban kebersihan."""

    def __init__(self, session: Session, parent=None):
        super().__init__(session, _("Akun baru"), parent)
        self.account: books.Account | None = None
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in ("expense", "income"):
            self.kind.addItem(books.kind_label(kind), kind)
        self.add("kind", _("Jenis"), self.kind)
        self.code = self.add("code", _("Kode"), line_field("code", _("mis. 6111")))
        self.name = self.add("name", _("Nama akun"), line_field("name",
                                                                _("mis. Beban kebersihan")))
        self.finish(_("Simpan"), _("Kode 4 angka: 6xxx untuk beban, 4xxx untuk pendapatan."))
        self.kind.setFocus()

    def write(self) -> None:
        self.account = books.add_account(self.session.db, user=self.session.user,
                                         code=self.code.text(), name=self.name.text(),
                                         kind=self.kind.currentData())
