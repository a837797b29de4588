"""Healthy once the store answers as the writable primary of its replica set, logged in as root
(what the mongo service's healthcheck asks of mongod). Usage: healthcheck.py PORT"""

import os
import sys
from pathlib import Path

from pymongo import MongoClient

port = int(sys.argv[1]) if len(sys.argv) > 1 else 27017
password = Path(os.environ["MONGO_INITDB_ROOT_PASSWORD_FILE"]).read_text().strip()
client: MongoClient = MongoClient(
    "127.0.0.1",
    port,
    directConnection=True,
    username=os.environ.get("MONGO_INITDB_ROOT_USERNAME", "root"),
    password=password,
    authSource="admin",
    serverSelectionTimeoutMS=3000,
)
with client:
    sys.exit(0 if client.admin.command("hello").get("isWritablePrimary") else 1)
