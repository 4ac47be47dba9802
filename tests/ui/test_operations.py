"""Long work runs off the GUI thread with its own connection; Cancel stops the waiting."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app.models.errors import UserError
from app.ui.operations import run_operation


def test_a_job_runs_on_another_thread_with_its_own_connection(shop_db, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    gui = threading.get_ident()

    def job(db):
        assert db is not shop_db
        return threading.get_ident(), db.scalar("SELECT count(*) FROM products")

    done, (worker, products) = run_operation(parent, "uji", shop_db.path, job)
    assert done and worker != gui
    assert products == shop_db.scalar("SELECT count(*) FROM products")


def test_a_refusal_in_the_job_reaches_the_caller(shop_db, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)

    def job(_db):
        raise UserError("Folder tidak dapat ditulisi.")

    with pytest.raises(UserError, match="tidak dapat ditulisi"):
        run_operation(parent, "uji", shop_db.path, job)


def test_cancel_stops_waiting_and_a_late_result_is_handed_over(shop_db, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release, late = threading.Event(), []

    def job(_db):
        release.wait(30)
        return "selesai"

    def press_cancel():
        box = parent.findChild(QProgressDialog, "operation_progress")
        if box is not None and box.isVisible():
            qtbot.mouseClick(box.findChild(QPushButton), Qt.MouseButton.LeftButton)
        else:
            QTimer.singleShot(50, press_cancel)

    QTimer.singleShot(50, press_cancel)
    done, result = run_operation(parent, "uji", shop_db.path, job,
                                 on_late_result=late.append)
    assert (done, result) == (False, None)
    release.set()
    qtbot.waitUntil(lambda: late == ["selesai"], timeout=5000)
