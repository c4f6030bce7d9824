"""Following Amazon's pagination tokens."""

from dataclasses import dataclass, field


@dataclass
class Page:
    """One page of results and the token of the next one (None on the last page)."""

    items: list
    next_token: str | None = None
    raw: dict = field(default_factory=dict, repr=False)


def iter_pages(fetch_page, first_token=None, max_pages=None):
    """Yield pages from `fetch_page(token) -> Page` until Amazon gives no next token.

    The caller sees each page (and its `next_token`) as it arrives, so it can store its
    progress between pages and resume from a token after a failure.
    """
    token = first_token
    count = 0
    while True:
        page = fetch_page(token)
        count += 1
        yield page
        token = page.next_token
        if not token or (max_pages is not None and count >= max_pages):
            return
