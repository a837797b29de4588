"""Prometheus metrics of the HTTP face of a service (default registry, one per process).

Routes are labelled by their template (``/cases/{case_code}``), never the raw path, so that label
sets stay small whatever the clients send.
"""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from receiving an HTTP request to the end of its answer.",
    ["method", "route", "status"],
)
