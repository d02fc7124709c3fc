"""URL converters: a day in the address is an ISO date, and a wrong one is a 404, not a 500."""

import datetime


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:  # 2025-02-30 matches the pattern but is no day
            raise ValueError(value) from error

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()
