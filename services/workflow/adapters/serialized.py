"""One writer at a time on the instance documents, within this process.

FerretDB 1.24 on SQLite applies an update as a query followed by a separate write, with no
transaction around them (``internal/handler/msg_update.go``), so two concurrent updates of one
document can silently lose one of them, conditional ones included: 3 writers x 100
version-conditioned updates of one document all reported success and left it 99 short. MongoDB
applies each update atomically. So every update of an instance document (officer actions, consumed
events, the deadline watch) takes this lock; inserts need none, and the outbox relay only reads.
The lock is per process, shared by every repository in it; several replicas writing to one
FerretDB remain exposed to the race (real MongoDB is not).
"""

import asyncio

INSTANCE_WRITES = asyncio.Lock()
