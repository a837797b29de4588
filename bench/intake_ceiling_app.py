"""The ceiling of the intake benchmark: a bare FastAPI endpoint doing one insert into the same
server, with nothing else (no validation, catalogue, numbering, outbox or relay).

``uvicorn bench.intake_ceiling_app:app`` with MONGODB_URI and MONGODB_DATABASE set.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from pymongo import AsyncMongoClient


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(os.environ["MONGODB_URI"])
    app.state.collection = client[os.environ["MONGODB_DATABASE"]]["ceiling"]
    yield
    await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/cases", status_code=201)
async def insert(request: Request) -> dict[str, str]:
    document = await request.json()
    result = await request.app.state.collection.insert_one(document)
    return {"id": str(result.inserted_id)}
