"""The tables media owns in the gateway database: uploads and who else may read one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


class Upload(Base):
    """One uploaded file. `variants` maps a variant name (`original`, and for public images
    `thumb`, `page`) to `{key, size, width, height}`: the storage key of each derivative.
    `referenced_at` is set once a product, shop, collection or message refers to the upload;
    the clean-up never removes a referenced upload."""

    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_unreferenced", "referenced_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    referenced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UploadGrant(Base):
    """Another user allowed to read a private upload (the other party of an order or a
    conversation the file was posted in)."""

    __tablename__ = "upload_grants"

    upload_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
