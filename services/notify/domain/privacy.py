"""Keyed hashes: what lets the delivery log find a recipient's messages without holding the address.

A plain SHA-256 of a phone number is no protection (there are only 10^9 Vietnamese mobile numbers
to try), so the hash is an HMAC-SHA-256 under a secret of the deployment: without the key, the log
says nothing about who received what.
"""

import hashlib
import hmac

from shared.events.values import NotificationChannel

# Refused in production (settings): anyone with the code could compute its hashes.
DEVELOPMENT_KEY = "onestop-notify-development-key-not-for-production"


class DeliveryKeys:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the delivery log's hash key is empty")
        self._secret = secret.encode()

    @classmethod
    def development(cls) -> "DeliveryKeys":
        return cls(DEVELOPMENT_KEY)

    def recipient(self, channel: NotificationChannel, address: str) -> str:
        """The look-up key of a normalised address (``contacts.normalise``) on a channel."""
        return self._mac(f"recipient:{channel}:{address}")

    def parameters(self, parameters: str) -> str:
        """What identifies a message's content in the log without keeping it."""
        return self._mac(f"parameters:{parameters}")

    def _mac(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()
