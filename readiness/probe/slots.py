"""How many probe transfers run at once in this worker process: in all, and per client.

A transfer holds one of the server's threads for as long as it lasts (or, for a client that
stops reading, until the stall timeout). Bounding them keeps threads free for the pages, and
bounding them per client keeps one client from taking every slot. Pure: no Flask.
"""

import threading
from collections import Counter


class TransferSlots:
    def __init__(self, total: int, per_client: int, on_change=None):
        self.total = total
        self.per_client = per_client
        self.on_change = on_change  # called with the slots in use after each change (metrics)
        self._lock = threading.Lock()
        self._by_client: Counter[str] = Counter()
        self._in_use = 0

    def take(self, client: str) -> bool:
        """Take a slot for client; False when it, or the server, already has its share."""
        with self._lock:
            if self._in_use >= self.total or self._by_client[client] >= self.per_client:
                return False
            self._in_use += 1
            self._by_client[client] += 1
            if self.on_change:
                self.on_change(self._in_use)
            return True

    def give_back(self, client: str) -> None:
        with self._lock:
            self._in_use -= 1
            self._by_client[client] -= 1
            if self._by_client[client] <= 0:
                del self._by_client[client]
            if self.on_change:
                self.on_change(self._in_use)

    def in_use(self) -> int:
        with self._lock:
            return self._in_use
