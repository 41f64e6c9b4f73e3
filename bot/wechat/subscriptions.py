"""Who wants broadcasts. The channels only need two operations, so they depend on this small
protocol; the default records to one table in DATABASE_URL and can later be swapped for the
registration store in ``registry/`` without touching the channels."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Optional, Protocol

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, and_, create_engine, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

metadata = MetaData()
channel_subscriptions = Table(
    "channel_subscriptions", metadata,
    Column("channel", String(32), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("subscribed", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class SubscriptionSink(Protocol):
    async def subscribe(self, channel: str, user_id: str) -> None:
        ...

    async def unsubscribe_all(self, channel: str, user_id: str) -> None:
        """Stop every broadcast to this user on this channel."""


class SqlSubscriptionSink:
    def __init__(self, engine: Engine):
        self.engine = engine
        metadata.create_all(engine)

    @classmethod
    def from_url(cls, database_url: str) -> "SqlSubscriptionSink":
        if database_url.startswith("sqlite:///"):
            from pathlib import Path

            Path(database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        return cls(create_engine(database_url, future=True, pool_pre_ping=True))

    def _set(self, channel: str, user_id: str, subscribed: bool) -> None:
        values = {"subscribed": subscribed, "updated_at": datetime.now(timezone.utc)}
        where = and_(channel_subscriptions.c.channel == channel, channel_subscriptions.c.user_id == user_id)
        with self.engine.begin() as connection:
            if connection.execute(update(channel_subscriptions).where(where).values(**values)).rowcount:
                return
            try:
                with connection.begin_nested():
                    connection.execute(insert(channel_subscriptions).values(channel=channel, user_id=user_id, **values))
            except IntegrityError:  # inserted concurrently: update that row instead
                connection.execute(update(channel_subscriptions).where(where).values(**values))

    def is_subscribed(self, channel: str, user_id: str) -> Optional[bool]:
        where = and_(channel_subscriptions.c.channel == channel, channel_subscriptions.c.user_id == user_id)
        with self.engine.connect() as connection:
            return connection.execute(select(channel_subscriptions.c.subscribed).where(where)).scalar_one_or_none()

    async def subscribe(self, channel: str, user_id: str) -> None:
        await asyncio.to_thread(self._set, channel, user_id, True)

    async def unsubscribe_all(self, channel: str, user_id: str) -> None:
        await asyncio.to_thread(self._set, channel, user_id, False)
