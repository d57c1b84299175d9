"""Message methods of the fake Bot API: sending text, documents and photos, editing, deleting."""

from __future__ import annotations

from typing import Any

from bot.sim.api.chatmodel import ChatState
from bot.sim.api.errors import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, bad, not_modified
from bot.sim.api.files import FileMethods
from bot.sim.api.formatting import check_markup, formatted
from bot.sim.api.ratelimit import RateLimits
from bot.sim.api.records import UploadedFile, clone


class MessageMethods(RateLimits, FileMethods):
    """sendMessage, sendDocument, sendPhoto, editMessage* and deleteMessage."""

    def _text(self, params: dict[str, Any], too_long: str) -> tuple[str, list[dict[str, Any]]]:
        return formatted(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            strict=self.strict_html,
            limit=MAX_TEXT_LENGTH,
            too_long=too_long,
            empty_error="message text is empty",
        )

    def _caption(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        return formatted(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            strict=self.strict_html,
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty_error=None,
        )

    def _reply_to(self, chat: ChatState, params: dict[str, Any], message: dict[str, Any]) -> None:
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if not reply_id:
            return
        target_chat = chat
        if reply.get("chat_id") not in (None, chat.id):
            target_chat = self._resolve_chat({"chat_id": reply["chat_id"]}, for_send=False)
        target = target_chat.messages.get(int(reply_id))
        allow = reply.get("allow_sending_without_reply") or params.get(
            "allow_sending_without_reply"
        )
        if target is not None:
            message["reply_to_message"] = clone(target)
            message["reply_to_message"].pop("reply_to_message", None)
        elif self.strict_replies and not allow:
            raise bad("message to be replied not found")

    def _new_message(self, chat: ChatState, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": 0,  # allocated by _send once the message is accepted
            "from": dict(self.bot_user),
            "chat": chat.as_dict(),
            "date": int(self.wall_clock()),
        }
        if chat.type == "channel":
            message.pop("from")
            message["sender_chat"] = chat.as_dict()
        thread_id = params.get("message_thread_id")
        if thread_id and chat.is_forum:
            if int(thread_id) not in chat.threads:
                raise bad("message thread not found")
            message["message_thread_id"] = int(thread_id)
            message["is_topic_message"] = True
        self._reply_to(chat, params, message)
        return message

    def _send(self, chat: ChatState, message: dict[str, Any], markup: dict[str, Any] | None) -> Any:
        now = self.clock()
        self._check_rate(chat, now)
        if markup is not None:
            message["reply_markup"] = markup if "inline_keyboard" in markup else None
            if message["reply_markup"] is None:
                del message["reply_markup"]
        self._count_send(chat, now)
        message["message_id"] = self.next_message_id(chat.id)
        if not self.keep_history:
            return message
        chat.messages[message["message_id"]] = message
        self._sent.append(clone(message))
        self._emit("sent", message)
        return clone(message)

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        text, entities = self._text(params, "message is too long")
        markup = check_markup(params.get("reply_markup"))
        message = self._new_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if params.get("link_preview_options"):
            message["link_preview_options"] = dict(params["link_preview_options"])
        return self._send(chat, message, markup)

    def _media(
        self, params: dict[str, Any], files: dict[str, UploadedFile], kind: str
    ) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        caption, entities = self._caption(params)
        markup = check_markup(params.get("reply_markup"))
        stored = self._input_file(params, files, kind)
        message = self._new_message(chat, params)
        if kind == "photo":
            size = {k: stored[k] for k in ("file_id", "file_unique_id", "file_size")}
            message["photo"] = [{**size, "width": 1280, "height": 720}]
        else:
            message["document"] = stored
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        return self._send(chat, message, markup)

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._media(params, files, "document")

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._media(params, files, "photo")

    def _editable(self, params: dict[str, Any]) -> tuple[ChatState, dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(params)
        try:
            message_id = int(params.get("message_id") or 0)
        except (TypeError, ValueError) as exc:
            raise bad("message to edit not found") from exc
        message = chat.messages.get(message_id)
        if message is None:
            raise bad("message to edit not found")
        if message.get("from", {}).get("id", self.bot_id) != self.bot_id:
            raise bad("message can't be edited")
        return chat, message

    def _finish_edit(self, message: dict[str, Any]) -> dict[str, Any]:
        message["edit_date"] = int(self.wall_clock())
        self._emit("edited", message)
        return clone(message)

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        _chat, message = self._editable(params)
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        text, entities = self._text(params, "MESSAGE_TOO_LONG")
        markup = check_markup(params.get("reply_markup"))
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise not_modified()
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        if params.get("link_preview_options"):
            message["link_preview_options"] = dict(params["link_preview_options"])
        return self._finish_edit(message)

    def _m_editMessageCaption(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        _chat, message = self._editable(params)
        if "text" in message:
            raise bad("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = check_markup(params.get("reply_markup"))
        if (
            caption == message.get("caption", "")
            and entities == message.get("caption_entities", [])
            and markup == message.get("reply_markup")
        ):
            raise not_modified()
        for key in ("caption", "caption_entities", "reply_markup"):
            message.pop(key, None)
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        if markup:
            message["reply_markup"] = markup
        return self._finish_edit(message)

    def _m_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        _chat, message = self._editable(params)
        markup = check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise not_modified()
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return self._finish_edit(message)

    def _m_deleteMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._resolve_chat(params)
        message_id = int(params.get("message_id") or 0)
        message = chat.messages.pop(message_id, None)
        if message is None:
            raise bad("message to delete not found")
        chat.deleted.add(message_id)
        self._emit("deleted", message)
        return True
