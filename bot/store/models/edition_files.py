"""An edition's pictures: stored once with the edition, sent to each of its chats by reference."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base


class EditionFileRow(Base):
    """One picture (or document) of an edition: a PNG chart or map with its caption."""

    __tablename__ = "edition_files"

    edition_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    file_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="photo")  # photo|document
    filename: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    caption: Mapped[str] = mapped_column(Text, default="")
