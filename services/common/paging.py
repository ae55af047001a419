"""Lists: `{items, page, per_page, total}`, `per_page` at most 100."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Invalid

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 20

    def __post_init__(self):
        errors = {}
        if not isinstance(self.page, int) or isinstance(self.page, bool) or self.page < 1:
            errors["page"] = ["Must be an integer of at least 1."]
        if (not isinstance(self.per_page, int) or isinstance(self.per_page, bool)
                or not 1 <= self.per_page <= MAX_PER_PAGE):
            errors["per_page"] = [f"Must be an integer from 1 to {MAX_PER_PAGE}."]
        if errors:
            raise Invalid("Invalid page.", "invalid_page", errors)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def page_of(self, items: list, total: int) -> dict:
        return {"items": items, "page": self.page, "per_page": self.per_page, "total": total}
