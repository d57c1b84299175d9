"""Rules about the people and chats the bot serves (pure: no Telegram, no SQL)."""
