<?php
// Reads an .ics feed the way sabre/vobject does (Nextcloud and other CalDAV servers; here
// Debian's php-sabre-vobject) and prints, as JSON, the calendar's name and description, every
// VEVENT, and the warnings sabre's validate() gives, so tests/support/ical_clients.py can
// compare them with what the Python parsers read.
//
//   php read_ics.php FEED.ics
//
// Exit code 1 with the message on stderr when sabre cannot parse the input.

$autoload = '/usr/share/php/Sabre/VObject/autoload.php';
if (!is_file($autoload)) {
    $autoload = '/usr/share/php/Sabre/VObject/includes.php';
}
require_once $autoload;

use Sabre\VObject\Reader;

function text($component, $name) {
    $value = $component->__get($name);
    return $value === null ? null : (string) $value;
}

function day($property) {
    return $property === null ? null : $property->getDateTime()->format('Y-m-d');
}

try {
    $calendar = Reader::read(file_get_contents($argv[1]));
} catch (Exception $error) {
    fwrite(STDERR, get_class($error) . ': ' . $error->getMessage() . "\n");
    exit(1);
}
$events = [];
foreach ($calendar->select('VEVENT') as $event) {
    $end = $event->DTEND;
    $events[] = [
        'uid' => text($event, 'UID'),
        'summary' => text($event, 'SUMMARY') ?? '',
        'description' => text($event, 'DESCRIPTION') ?? '',
        'status' => text($event, 'STATUS'),
        'sequence' => (int) (text($event, 'SEQUENCE') ?? 0),
        'start' => day($event->DTSTART),
        'end' => day($end),
    ];
}
$warnings = [];
foreach ($calendar->validate() as $warning) {
    $warnings[] = $warning['message'];
}
echo json_encode([
    'name' => text($calendar, 'X-WR-CALNAME'),
    'events' => $events,
    'warnings' => $warnings,
], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
