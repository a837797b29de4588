"""The intake service's use cases: reception, desk actions, tracking the workflow, lookup."""
