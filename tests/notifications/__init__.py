"""Notification tests that need no database, and helpers shared with the outbox tests."""
