"""An edition's stored pictures, read by the transport when it sends one (outbox rows of kind
"photo" carry only the edition and the picture's number: each file is stored once)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models.edition_files import EditionFileRow


class EditionFiles:
    """Reads an edition's pictures by number."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def read(self, edition_id: int, file_no: int) -> tuple[str, bytes, str] | None:
        """(file name, content, caption) of one stored file, or None."""
        async with self._sessions() as session:
            row = await session.get(EditionFileRow, (edition_id, file_no))
        return (row.filename, row.content, row.caption) if row is not None else None
