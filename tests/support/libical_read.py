"""Reads an .ics feed the way GNOME Evolution does (libical 3, through its GObject bindings
from Debian's gir1.2-ical-3.0) and prints, as JSON, the calendar's name, every VEVENT and the
errors libical recorded while parsing. Runs under Debian's /usr/bin/python3 (the bindings are
not in the virtualenv): tests/support/ical_clients.py calls it.

    /usr/bin/python3 libical_read.py FEED.ics"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

KIND = ICalGLib.ComponentKind


def _day(time: ICalGLib.Time) -> str:
    return f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}"


def _errors(component: ICalGLib.Component) -> list[str]:
    found = []
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.get_value_as_string())
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(KIND.ANY_COMPONENT)
    while child is not None:
        found += _errors(child)
        child = component.get_next_component(KIND.ANY_COMPONENT)
    return found


def _x_property(component: ICalGLib.Component, name: str) -> str | None:
    prop = component.get_first_property(ICalGLib.PropertyKind.X_PROPERTY)
    while prop is not None:
        if prop.get_x_name() == name:
            return prop.get_value().get_x()
        prop = component.get_next_property(ICalGLib.PropertyKind.X_PROPERTY)
    return None


def main(path: str) -> None:
    with open(path, encoding="utf-8", errors="replace") as file:
        calendar = ICalGLib.Component.new_from_string(file.read())
    if calendar is None or calendar.isa() != KIND.VCALENDAR_COMPONENT:
        sys.exit("libical: not an iCalendar object")
    events = []
    event = calendar.get_first_component(KIND.VEVENT_COMPONENT)
    while event is not None:
        status = event.get_first_property(ICalGLib.PropertyKind.STATUS_PROPERTY)
        sequence = event.get_first_property(ICalGLib.PropertyKind.SEQUENCE_PROPERTY)
        events.append(
            {
                "uid": event.get_uid() or "",
                "summary": event.get_summary() or "",
                "description": event.get_description() or "",
                "status": None if status is None else status.get_value_as_string(),
                "sequence": 0 if sequence is None else sequence.get_sequence(),
                "start": _day(event.get_dtstart()),
                "end": _day(event.get_dtend()),
            }
        )
        event = calendar.get_next_component(KIND.VEVENT_COMPONENT)
    answer = {
        "name": _x_property(calendar, "X-WR-CALNAME"),
        "events": events,
        "warnings": _errors(calendar),
    }
    print(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
