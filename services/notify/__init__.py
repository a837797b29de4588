"""Notify service: SMS and email to citizens at each milestone, templates, delivery log, retries."""
