"""The floor every other package stands on: settings (`settings`), the database engine and
transactions (`db`), the clock and the service's time zone (`clock`) and text as it arrives
from Word and web pages made uniform (`text`), record ids as typed (`ids`) and spreadsheet
cells that stay text (`cells`). It imports no other dondoc package, so anything
may import it."""
