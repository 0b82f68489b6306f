"""Moderation of community content: screening on submission, reports, the staff queue and
its actions, trust, and the audit log."""
