"""Workflow service: processing steps, hand-offs, deadlines, decisions and payment decisions."""
