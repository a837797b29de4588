"""What a citizen does with an SMS: takes the citizen-page link it ends with, opens it in headless
Chromium at a phone's width, types the ID number, and reads the case's page."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from devstack.sinks.running import RunningSinks
from tests.integration.chromium_cdp import Page, chromium_page
from tests.polling import eventually

# The citizen-page link each SMS ends with (LOOKUP_URL?ma=<code>).
LINK = re.compile(r"https?://\S+/tra-cuu\?ma=\S+")


@dataclass(frozen=True)
class Sms:
    to: str
    link: str


@dataclass(frozen=True)
class CasePage:
    """The case's page as the citizen sees it."""

    code: str  # what the link filled in
    status: str
    steps: list[str]  # what happened, oldest first
    statuses: list[str]  # the status each step left the case in


async def sms_about(sinks: RunningSinks, code: str) -> list[Sms]:
    """The SMS the gateway sink took about case ``code``, in the order sent; waits for the first
    (notify sends once it has heard of the case)."""

    async def found() -> list[Sms]:
        bodies = await sinks.sms()
        links = ((b["to"], LINK.search(b.get("text", ""))) for b in bodies)
        # The code alone could be a prefix of another's: the link ends the text.
        return [Sms(to, m.group()) for to, m in links if m and m.group().endswith(f"={code}")]

    return await eventually(found, what=f"an SMS about {code}")


async def open_the_link(link: str, citizen_id: str, screenshot: Path | None = None) -> CasePage:
    """The page ``link`` leads to once the ID number is typed, if the form asks for it;
    ``screenshot``: where to save the page as seen."""
    async with chromium_page() as page:
        await page.resize(390, 844, mobile=True)
        await page.goto(link)
        code = await page.evaluate("document.querySelector('#ma')?.value ?? ''")
        if await page.evaluate("document.querySelector('#so_dinh_danh') !== null"):
            typed = f"document.querySelector('#so_dinh_danh').value = {json.dumps(citizen_id)}"
            await page.evaluate(typed)
            await page.submit("form button[type=submit]")
        seen = CasePage(
            code,
            await page.evaluate("document.querySelector('.status').textContent"),
            await texts(page, ".timeline .what"),
            await texts(page, ".timeline .then"),
        )
        if screenshot is not None:
            await page.screenshot(screenshot)
    return seen


async def texts(page: Page, selector: str) -> list[str]:
    found: list[str] = await page.evaluate(
        f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent)"
    )
    return found
