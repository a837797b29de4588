"""Intake service: catalogue, reception, receipts, supplements, results, ratings, lookup."""
