"""A frab/pentabarf/pretalx/wafer ``schedule.xml`` as the ``schedule.json`` it stands for, so one
reader reads both. Parsed by defusedxml (no entity expansion, no external entities)."""

from __future__ import annotations

from defusedxml import ElementTree

from program.importing.readers.fields import ReadError


def frab_xml_as_json(data: bytes) -> dict:
    """The schedule.xml as the schedule.json it stands for, so one reader reads both."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ReadError(f"This is not well-formed XML: {error}") from error
    except Exception as error:  # defusedxml refuses entities and DTDs
        raise ReadError(f"This XML is refused: {error}") from error
    if root.tag != "schedule":
        raise ReadError(f"The XML's root is <{root.tag}>, not <schedule>.")
    head = root.find("conference")
    if head is None:
        head = ElementTree.fromstring("<conference/>")
    conference = {
        child.tag: (child.text or "").strip()
        for child in head
        if child.tag not in ("track", "tracks", "rooms")
    }
    # Tracks as pretalx writes them (<track name= color=> in <conference>), or as text, or in a
    # <tracks> list; rooms listed in <conference><rooms> even when they hold no event.
    conference["tracks"] = [
        {"name": (track.get("name") or track.text or "").strip(), "color": track.get("color")}
        for track in [*head.findall("track"), *head.findall("tracks/track")]
    ]
    conference["rooms"] = [
        {"name": room.get("name") or (room.text or "").strip()}
        for room in head.findall("rooms/room")
    ]
    days = []
    for day in root.findall("day"):
        rooms = {}
        for room in day.findall("room"):
            events = [_xml_event(event) for event in room.findall("event")]
            rooms.setdefault(room.get("name", ""), []).extend(events)
        days.append(
            {
                "date": day.get("date"),
                "day_start": day.get("start"),
                "day_end": day.get("end"),
                "rooms": rooms,
            }
        )
    conference["days"] = days
    generator = root.find("generator")
    return {
        "generator": {"name": generator.get("name")} if generator is not None else None,
        "schedule": {"conference": conference},
    }


def _xml_event(event) -> dict:
    fields = {child.tag: (child.text or "") for child in event}
    fields.update(guid=event.get("guid"), id=event.get("id"), code=event.get("code"))
    fields["persons"] = [
        {
            "name": (person.text or "").strip(),
            "guid": person.get("guid"),
            "code": person.get("code"),
            "id": person.get("id"),
        }
        for person in event.findall("persons/person")
    ]
    fields["links"] = [
        {"url": link.get("href", ""), "type": link.get("type", ""), "title": link.text or ""}
        for link in event.findall("links/link")
    ]
    fields["attachments"] = [
        {"url": item.get("href", ""), "type": item.get("type", ""), "title": item.text or ""}
        for item in event.findall("attachments/attachment")
    ]
    recording = event.find("recording/optout")
    fields["do_not_record"] = recording is not None and recording.text == "true"
    return fields
