"""Who is at the screen, and which shop database they work in."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.db import Database
from app.models.settings import ShopSettings
from app.models.users import User, can


@dataclass
class Session:
    db: Database
    user: User
    settings: ShopSettings

    def can(self, permission: str) -> bool:
        return can(self.user, permission)
