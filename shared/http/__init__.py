"""The HTTP face every service shares: app factory, probes, metrics, errors, body-size limit."""

from shared.http.app import create_app
from shared.http.errors import ErrorBody, FieldError, field_error
from shared.http.lifespan import ServiceContainer, container_lifespan, create_service_app
from shared.http.readiness import ReadinessCheck
from shared.http.settings import HttpSettings

__all__ = [
    "ErrorBody",
    "FieldError",
    "HttpSettings",
    "ReadinessCheck",
    "ServiceContainer",
    "container_lifespan",
    "create_app",
    "create_service_app",
    "field_error",
]
