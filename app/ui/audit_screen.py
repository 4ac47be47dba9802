"""The audit log as read by the supervisor: who did what, when, newest first."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import audit
from app.models.check import audit_summary
from app.models.clock import format_local
from app.ui.session import Session
from app.ui.widgets import key_button

SHOWN = 500


def action_label(action: str) -> str:
    return {
        "login": _("Masuk aplikasi"),
        "login.failed": _("Gagal masuk"),
        "user.create": _("Pengguna baru"),
        "user.secret": _("Ganti PIN/kata sandi"),
        "settings.change": _("Ubah pengaturan"),
        "product.create": _("Produk baru"),
        "product.update": _("Ubah produk"),
        "product.price": _("Ubah harga"),
        "product.archive": _("Arsipkan produk"),
        "product.restore": _("Pulihkan produk"),
        "product.import": _("Impor produk"),
        "stock.adjust": _("Koreksi stok"),
    }.get(action, action)


class AuditScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.status = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("audit")
        self.table.setHorizontalHeaderLabels([_("Waktu"), _("Pengguna"), _("Kegiatan"),
                                              _("Rincian")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(key_button(_("Muat ulang"), "F5", self, self.refresh))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)
        self.refresh()

    def refresh(self) -> None:
        zone = self.session.settings.zone
        rows = audit.recent(self.session.db, SHOWN)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            detail = json.loads(row["detail"] or "{}")
            text = ", ".join(f"{k}: {v}" for k, v in detail.items())
            for column, value in enumerate((format_local(row["at"], zone, seconds=True),
                                            row["username"], action_label(row["action"]), text)):
                self.table.setItem(i, column, QTableWidgetItem(value))
        self.status.setText(_("Rantai log audit: {summary}").format(
            summary=audit_summary(audit.verify(self.session.db))))
