"""What a printed receipt says, as plain data: built by the domain, drawn by app/reports
(ESC/POS for thermal printers, PDF) — the same content on paper and in a file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty_text: str          # "2 pcs", "1,25 kg", "1 dus"
    unit_price: int        # rupiah per unit sold
    amount: int            # rupiah for the line after its discount
    discount: int = 0      # rupiah taken off this line (0 = none)
    het_saving: int = 0    # rupiah below the HET cap for this line (0 = none)


@dataclass(frozen=True)
class ReceiptPayment:
    method_label: str      # "Tunai", "QRIS", "Transfer", "Bon"
    amount: int
    reference: str = ""    # QRIS / transfer reference


@dataclass(frozen=True)
class Receipt:
    cooperative_name: str
    shop_name: str
    address: str
    number: str            # KDMP017-251122-0042
    time_text: str         # "22/11/2025 14:05 WIB"
    cashier: str
    member: str            # "" when no member; else "A-0012 Siti Rahma"
    title: str             # "STRUK PENJUALAN", "RETUR", "BATAL"
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    cart_discount: int
    total: int
    payments: tuple[ReceiptPayment, ...]
    change: int
    het_saving: int        # sum of het_saving over lines
    footer: str
    copy: bool = False     # a reprint: marked SALINAN
    qris_payload: str = "" # a dynamic QRIS string to print as a QR code, if any
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. a return's reason
