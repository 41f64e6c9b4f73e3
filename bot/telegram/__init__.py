"""Telegram channel: webhook with secret-token check, same dialogue as every other channel."""
