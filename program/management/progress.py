"""A progress bar for long commands (an import of thousands of papers), on the terminal only.

tqdm draws on stderr when it is a terminal and stays silent otherwise (CI logs, cron, tests).
"""

from __future__ import annotations

from tqdm import tqdm


def bar(items, *, total: int, description: str, stderr):
    return tqdm(
        items,
        total=total,
        desc=description,
        unit=" records",
        leave=False,
        file=getattr(stderr, "_out", stderr),  # Django's OutputWrapper wraps the real stream
        disable=None,  # None: only when the stream is a terminal
    )
