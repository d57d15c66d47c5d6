"""A built feed as the server and the static export see it: bytes plus the validators HTTP
caching needs, all derived from the bytes and the data, never from the clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    # The newest change among the feed's events: Last-Modified, and what If-Modified-Since
    # is compared with.
    last_modified: datetime
    events: int
    trimmed: int = 0

    @property
    def etag(self) -> str:
        """A strong validator over the final bytes: equal bytes, equal ETag."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:40] + '"'
