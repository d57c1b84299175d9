"""The catalogue of bot commands shown in /help and registered with setMyCommands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """One command and its one-line description."""

    command: str
    description: str


USER_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", "What Sitrep is and what to try"),
    CommandInfo("help", "List the commands"),
    CommandInfo("ask", "Ask a question, e.g. /ask what happened at Islam Qala?"),
    CommandInfo("latest", "The newest events: /latest [N]"),
    CommandInfo("timeline", "A place's events, oldest first: /timeline PLACE"),
    CommandInfo("search", "Events with these words: /search WORDS"),
    CommandInfo("chart", "Events per day and a map: /chart PLACE [7d|14d|30d]"),
    CommandInfo("subscribe", "Daily briefing: /subscribe [PLACE, …]"),
    CommandInfo("settings", "Briefing time, zone, places, types"),
    CommandInfo("pause", "Pause the daily briefing"),
    CommandInfo("resume", "Resume the daily briefing"),
    CommandInfo("unsubscribe", "Stop the daily briefing"),
    CommandInfo("timezone", "Set a time zone by name: /timezone Asia/Kabul"),
    CommandInfo("forget", "Delete what Sitrep holds about you or this chat"),
)

ADMIN_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("addevent", "Add an event: DATE | PLACE | SUMMARY | SOURCE"),
    CommandInfo("event", "Show one event: /event N"),
    CommandInfo("editevent", "Change an event: /editevent N FIELD VALUE"),
    CommandInfo("retract", "Retract an event: /retract N REASON"),
    CommandInfo("events", "Latest events, drafts included: /events [PLACE]"),
    CommandInfo("ingest", "Turn an article into events: /ingest [DATE] [OUTLET] [URL]"),
    CommandInfo("sources", "Feeds and channels: /sources [add URL|remove N|pause N]"),
    CommandInfo("review", "Walk the drafts waiting for review"),
    CommandInfo("push", "Manual briefing with preview: /push today|since DATE|events IDS|text"),
    CommandInfo("audience", "Who a push goes to: /audience all|PLACE|chat ID"),
    CommandInfo("flash", "Flash alert for an event: /flash N"),
    CommandInfo("cancelpush", "Stop a running push"),
    CommandInfo("places", "Gazetteer: /places find|add|alias …"),
    CommandInfo("actors", "Actors: /actors [find|add|alias|remove …]"),
    CommandInfo("figures", "Key figures in briefings: /figures [add|remove …]"),
    CommandInfo("stats", "Subscribers, deliveries, questions (7 days)"),
    CommandInfo("audit", "Latest admin actions: /audit [N]"),
    CommandInfo("deadletters", "Updates set aside: /deadletters [N]"),
    CommandInfo("admins", "List admins; owners: /admins add|remove USER_ID"),
    CommandInfo("allow", "Allow a user or chat: /allow ID [note]"),
    CommandInfo("deny", "Take off the allowlist: /deny ID"),
    CommandInfo("allowed", "The allowlist"),
    CommandInfo("cancel", "Stop a guided form"),
)
