"""Reporting service: read models built from all events, reports, exports, dashboard."""
