"""Notifications: reminders, e-mail and calendar feeds built from domain decisions."""
