#!/usr/bin/env node
// Reads an .ics feed the way Thunderbird does (Mozilla's ical.js) and prints what it saw as
// JSON, so tests/ical_check.py can compare it with Python's icalendar and recurring_ical_events.
//
//   node read_ics.mjs FEED.ics [FROM TO]
//
// FROM and TO are ISO dates (YYYY-MM-DD) of a half-open window [FROM, TO). An occurrence is
// listed when it overlaps the window, the rule recurring_ical_events uses for between():
// start < TO and end > FROM (an event without duration counts when FROM <= start < TO).
// Without a window every occurrence is listed, up to MAX_OCCURRENCES per event.
//
// The file is decoded as UTF-8 *before* ical.js unfolds it, as a subscribing client does
// with the bytes it downloads: a line folded inside a multi-byte character comes out as
// U+FFFD here, which is exactly the damage a reader of the feed would see.
//
// Exit code 1 with the message on stderr when ical.js cannot parse the input.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_OCCURRENCES = 5000;

function pad(number, width = 2) {
  return String(number).padStart(width, "0");
}

/** YYYY-MM-DD of the wall-clock date, in the time's own zone (what a calendar shows). */
function isoDate(time) {
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
}

/** A sortable wall-clock key; dates sort as midnight, like the window bounds. */
function wallClock(time) {
  const clock = time.isDate ? "00:00:00" : `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
  return `${isoDate(time)}T${clock}`;
}

function parseWindowBound(text, name) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    throw new Error(`${name} must be an ISO date YYYY-MM-DD, got ${JSON.stringify(text)}`);
  }
  return `${text}T00:00:00`;
}

function inWindow(start, end, window) {
  if (!window) return true;
  const s = wallClock(start);
  const e = wallClock(end);
  if (s >= window.to) return false;
  return e > window.from || (e === s && s >= window.from);
}

function textValue(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

function occurrencesOf(event, window) {
  if (!event.isRecurring()) {
    return inWindow(event.startDate, event.endDate, window) ? [isoDate(event.startDate)] : [];
  }
  const dates = [];
  const iterator = event.iterator();
  for (let count = 0; count < MAX_OCCURRENCES; count++) {
    const recurrenceId = iterator.next();
    if (!recurrenceId) break;
    // Stops on the recurrence id, not on the (possibly moved) start: an instance moved into
    // the window from a recurrence id after it is not listed. Our feeds do not do that.
    if (window && wallClock(recurrenceId) >= window.to) break;
    const details = event.getOccurrenceDetails(recurrenceId);
    if (inWindow(details.startDate, details.endDate, window)) {
      dates.push(isoDate(details.startDate));
    }
  }
  return dates.sort();
}

function read(path, window) {
  const text = readFileSync(path, "utf8");
  const jcal = ICAL.parse(text);
  if (jcal.length > 0 && Array.isArray(jcal[0])) {
    throw new Error(`expected one VCALENDAR, found ${jcal.length}`);
  }
  const calendar = new ICAL.Component(jcal);
  if (calendar.name !== "vcalendar") {
    throw new Error(`expected a VCALENDAR, found ${calendar.name.toUpperCase()}`);
  }

  const components = calendar.getAllSubcomponents("vevent");
  const exceptions = components.filter((component) => component.hasProperty("recurrence-id"));

  const events = components.map((component) => {
    const isException = component.hasProperty("recurrence-id");
    // Exceptions are related explicitly and by UID: without the `exceptions` option the
    // Event constructor relates *every* RECURRENCE-ID component of the calendar to every
    // master event, whatever its UID (strictExceptions is false by default).
    const event = isException
      ? new ICAL.Event(component)
      : new ICAL.Event(component, { strictExceptions: true, exceptions: [] });
    if (!isException) {
      const uid = event.uid;
      for (const exception of exceptions) {
        if (exception.getFirstPropertyValue("uid") === uid) event.relateException(exception);
      }
    }
    const start = event.startDate;
    const end = event.endDate;
    if (!start) throw new Error(`VEVENT ${event.uid} has no DTSTART`);
    return {
      uid: event.uid,
      summary: textValue(component, "summary") ?? "",
      description: textValue(component, "description") ?? "",
      status: textValue(component, "status"),
      sequence: Number(component.getFirstPropertyValue("sequence") ?? 0),
      start: isoDate(start),
      end: isoDate(end),
      allDay: Boolean(start.isDate),
      recurrenceId: isException ? isoDate(event.recurrenceId) : null,
      // An exception's instance is listed under its master event, as the iterator yields it.
      occurrences: isException ? [] : occurrencesOf(event, window),
    };
  });

  return {
    calendar: {
      name: textValue(calendar, "name") ?? textValue(calendar, "x-wr-calname"),
      refresh: textValue(calendar, "refresh-interval"),
      ttl: textValue(calendar, "x-published-ttl"),
    },
    events,
  };
}

function main(argv) {
  const [path, from, to] = argv;
  if (!path || (from === undefined) !== (to === undefined)) {
    throw new Error("usage: node read_ics.mjs FEED.ics [FROM TO]");
  }
  const window = from === undefined
    ? null
    : { from: parseWindowBound(from, "FROM"), to: parseWindowBound(to, "TO") };
  process.stdout.write(`${JSON.stringify(read(path, window), null, 1)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`read_ics.mjs: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
}
