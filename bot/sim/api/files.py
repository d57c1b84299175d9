"""Files in the fake Bot API: uploads, stored files, file ids and URLs, and getFile."""

from __future__ import annotations

from typing import Any

from bot.sim.api.errors import bad
from bot.sim.api.records import UploadedFile
from bot.sim.api.state import ApiState


class FileMethods(ApiState):
    """Storing files, resolving a request's file parameter, and the getFile method."""

    def add_file(
        self, content: bytes, filename: str, mime_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """Store a file (e.g. one a user sends) and return a Document dict with its file_id."""
        return self._store_file(UploadedFile(filename, content, mime_type))

    def file_content(self, file_id: str) -> bytes:
        """The bytes behind ``file_id`` (raises KeyError for an unknown id)."""
        return self.files[file_id].content

    def file_by_path(self, file_path: str) -> UploadedFile | None:
        """The file getFile handed out under ``file_path`` (for downloads)."""
        return self.files.get(file_path.rsplit("/", 1)[-1].split(".", 1)[0])

    def _store_file(self, upload: UploadedFile) -> dict[str, Any]:
        self._file_counter += 1
        file_id = f"LOCALFILE{self._file_counter:06d}"
        self.files[file_id] = upload
        return {
            "file_id": file_id,
            "file_unique_id": f"U{self._file_counter:06d}",
            "file_name": upload.filename,
            "mime_type": upload.mime_type,
            "file_size": len(upload.content),
        }

    def _known_file(self, value: str) -> dict[str, Any]:
        """A Document dict for a file id or URL given as a string parameter."""
        if value in self.files:
            known = self.files[value]
            return {
                "file_id": value,
                "file_unique_id": "U" + value.removeprefix("LOCALFILE"),
                "file_name": known.filename,
                "mime_type": known.mime_type,
                "file_size": len(known.content),
            }
        if value.startswith(("http://", "https://")):
            return self._store_file(UploadedFile(value.rsplit("/", 1)[-1] or "file", b"?"))
        raise bad("wrong file identifier/HTTP URL specified")

    def _input_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], name: str
    ) -> dict[str, Any]:
        value = params.get(name)
        upload: UploadedFile | None = None
        if name in files and value is None:
            upload = files[name]
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        elif isinstance(value, str) and value:
            return self._known_file(value)
        if upload is None:
            raise bad(f"there is no {name} in the request")
        if not upload.content:
            raise bad("file must be non-empty")
        return self._store_file(upload)

    def _m_getFile(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        file_id = str(params.get("file_id") or "")
        upload = self.files.get(file_id)
        if upload is None:
            raise bad("invalid file_id")
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        return {
            "file_id": file_id,
            "file_unique_id": "U" + file_id.removeprefix("LOCALFILE"),
            "file_size": len(upload.content),
            "file_path": f"documents/{file_id}.{suffix}",
        }
