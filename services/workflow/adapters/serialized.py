"""One writer at a time per instance document, within this process.

FerretDB 1.24 on SQLite can lose one of two concurrent updates of a document (measured: 3 writers
x 100 version-conditioned updates of one document all reported success and left it 99 short; see
``shared.mongo.turns``). So every update of an instance document (officer actions, consumed
events, the deadline watch) takes its case's turn; inserts need none, and the outbox relay only
reads. The turns are per process, shared by every repository in it.
"""

from shared.mongo import Turns

INSTANCE_TURNS = Turns()
