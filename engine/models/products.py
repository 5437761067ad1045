"""Products, warehouses and immutable stock moves (on hand and reserved)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    is_service: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Warehouse(Base):
    __tablename__ = "warehouse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class StockMove(Base):
    """One signed movement in a bucket; balances are sums, nothing is updated in place."""

    __tablename__ = "stock_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    bucket: Mapped[str] = mapped_column(String(10))  # on_hand | reserved
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("stock_move.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
