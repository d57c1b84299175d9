"""The Telegram glue: the application factory (one ordered handler registration), the typed
context, update intake (inbox, polling, webhook) and the handlers with their keyboards.

With `bot.delivery.telegram_transport`, `bot.sim` and `bot.cli`, the only code that imports
`telegram`. May import the domain, render, delivery and `bot.bootstrap`; never SQL of its own.
"""
