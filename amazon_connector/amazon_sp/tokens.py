"""Login-with-Amazon access tokens, cached per account and safe across threads."""

import hashlib
import threading
import time


def account_key(lwa_url, client_id, refresh_token):
    """Stable key of one set of credentials; a digest, so the key itself reveals nothing."""
    material = "\0".join([lwa_url or "", client_id or "", refresh_token or ""])
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class TokenCache:
    """Access tokens by account key, refreshed a minute before they expire.

    One lock per key makes concurrent threads of the same account wait for a single token
    request instead of each asking Login with Amazon.
    """

    REFRESH_MARGIN = 60.0

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._tokens = {}
        self._locks = {}
        self._guard = threading.Lock()

    def _lock_for(self, key):
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key, fetch):
        """Return a valid token for `key`, calling `fetch() -> (token, expires_in)` if needed."""
        with self._lock_for(key):
            cached = self._tokens.get(key)
            if cached and cached[1] - self.REFRESH_MARGIN > self._clock():
                return cached[0]
            token, expires_in = fetch()
            self._tokens[key] = (token, self._clock() + float(expires_in))
            return token

    def clear(self):
        with self._guard:
            self._tokens.clear()

    def invalidate(self, key):
        with self._lock_for(key):
            self._tokens.pop(key, None)


SHARED_TOKEN_CACHE = TokenCache()
