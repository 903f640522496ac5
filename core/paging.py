"""Long lists in pages with a "Starsze" (older) link, rather than counting every row."""

MAX_PAGE = 10_000


def page_number(value: str | None) -> int:
    """The `?page=` of a request as a page number from 1; anything else is the first page."""
    try:
        number = int(value or "")
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
