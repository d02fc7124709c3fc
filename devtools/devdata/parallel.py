"""A room-parallel program, as community conferences run them (FOSDEM: 29 rooms a day): a frab
``schedule.json`` written from a seed and imported as an organizer would, so that the site
holds what an import of such a file holds (each room's day in one room-day session).
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
import zoneinfo

from program.importing.files import import_file
from program.models import Conference

LENGTHS = (5, 10, 15, 20, 25, 25, 30, 40, 50, 55)
TRACK_COLOURS = ("#1D4ED8", "#0F766E", "#B45309", "#7C3AED", "#BE123C", "#15803D", "#4B5563")
WORDS = [
    "Rust",
    "async",
    "runtimes",
    "kernel",
    "boot",
    "graphics",
    "drivers",
    "Python",
    "packaging",
    "LibreOffice",
    "Matrix",
    "federation",
    "RISC-V",
    "firmware",
    "mapping",
    "OpenStreetMap",
    "Postgres",
    "replication",
    "Go",
    "generics",
    "SBOM",
    "supply",
    "chain",
    "Wasm",
    "components",
    "GNOME",
    "accessibility",
    "KDE",
    "Plasma",
    "embedded",
    "Linux",
    "Nix",
    "flakes",
]


def parallel_schedule(
    *, rooms: int = 29, days: int = 2, tracks: int = 12, seed: int = 1, timezone="Europe/Brussels"
) -> dict:
    """A frab ``schedule.json``: every room busy from 09:00 to 19:00 with talks of mixed
    lengths, parallel talks often starting on the same minute, each room one track."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(timezone)
    first = datetime.date(2026, 2, 7)
    room_names = [f"Room {chr(65 + n // 10)}.{100 + n}" for n in range(rooms)]
    track_names = [f"Track {n + 1}: {WORDS[n % len(WORDS)]}" for n in range(tracks)]
    schedule_days = []
    number = 0
    for index in range(days):
        date = first + datetime.timedelta(days=index)
        by_room = {}
        for room_index, room in enumerate(room_names):
            moment = datetime.datetime.combine(date, datetime.time(9), tzinfo=zone)
            moment += datetime.timedelta(minutes=5 * rng.randrange(0, 12))
            events = []
            while moment.hour < 19:
                minutes = rng.choice(LENGTHS)
                number += 1
                title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
                events.append(
                    {
                        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"parallel/{seed}/{number}")),
                        "id": number,
                        "date": moment.isoformat(),
                        "start": moment.strftime("%H:%M"),
                        "duration": f"00:{minutes:02d}",
                        "room": room,
                        "title": title,
                        "track": track_names[room_index % tracks],
                        "type": "Talk",
                        "abstract": f"About {title.lower()}.",
                        "persons": [
                            {"id": 10_000 + rng.randrange(2000), "public_name": _name(rng)}
                            for _ in range(rng.choice((1, 1, 1, 2, 3)))
                        ],
                    }
                )
                # Talks mostly start on the hour or the half hour in every room at once.
                moment += datetime.timedelta(minutes=minutes + rng.choice((0, 0, 5, 5, 10)))
            by_room[room] = events
        schedule_days.append({"index": index + 1, "date": date.isoformat(), "rooms": by_room})
    conference = {
        "acronym": "parallel",
        "title": "Parallel Rooms 2026",
        "start": first.isoformat(),
        "end": (first + datetime.timedelta(days=days - 1)).isoformat(),
        "time_zone_name": timezone,
        "rooms": [{"name": name} for name in room_names],
        "tracks": [
            {"name": name, "color": TRACK_COLOURS[n % len(TRACK_COLOURS)]}
            for n, name in enumerate(track_names)
        ],
        "days": schedule_days,
    }
    return {"schedule": {"version": "1", "conference": conference}}


def _name(rng: random.Random) -> str:
    first = rng.choice(("Ada", "Linus", "Grace", "Ken", "Radia", "Guido", "Barbara", "Dennis"))
    return f"{first} {rng.choice(('Lovelace', 'Hopper', 'Perlman', 'Liskov', 'Ritchie', 'Pike'))}"


def generate_parallel_program(*, slug: str = "parallel2026", publish: bool = True, **shape):
    """Imports ``parallel_schedule(**shape)`` into the conference ``slug``; returns it."""
    data = json.dumps(parallel_schedule(**shape)).encode()
    import_file(data, "frab-json", slug=slug)
    conference = Conference.objects.get(slug=slug)
    if publish and not conference.is_published:
        conference.is_published = True
        conference.save(update_fields=["is_published"])
    return conference
