"""Run the SMTP sink and the SMS gateway sink: ``python -m devstack.sinks --data-dir DIR``.

Received messages are listed at ``GET http://HOST:HTTP_PORT/mail`` and ``/sms`` and kept in
``DIR/mail.jsonl`` and ``DIR/sms.jsonl``.
"""

import argparse
import asyncio
from pathlib import Path

from devstack.config import HOST, PORT_DEFAULTS
from devstack.sinks.running import running_sinks


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--smtp-port", type=int, default=PORT_DEFAULTS["SMTP_SINK_PORT"])
    parser.add_argument("--http-port", type=int, default=PORT_DEFAULTS["SINKS_HTTP_PORT"])
    parser.add_argument("--data-dir", type=Path, default=Path(".run/sinks"))
    parser.add_argument("--token", default=None, help="bearer token the SMS endpoint requires")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    async with running_sinks(
        args.data_dir,
        host=args.host,
        smtp_port=args.smtp_port,
        http_port=args.http_port,
        token=args.token,
    ) as sinks:
        print(
            f"smtp sink on {args.host}:{sinks.smtp.port}, sms gateway and listings on "
            f"{sinks.url} (data in {args.data_dir})",
            flush=True,
        )
        await sinks.server  # until SIGINT / SIGTERM, which uvicorn handles


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
