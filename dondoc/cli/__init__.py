"""The `dondoc` command: one module per command group (`plan`, `agencies`, `occurrences`,
`feeds`, `outbox`, `report`, `calendar`, `db`, `notify` for remind and escalate, `demo` for
the main job), assembled by `app`, and the plumbing they share: `output` (JSON, one table
printer, errors and warnings; data is never read as Rich markup), `options` (one date
option), `errors` (one mapping from domain errors to exit codes with their message), `names`
(agency names typed on the command line), `plan_views` and `compile_view` (what plans and
compiles look like in a terminal). The top layer: it may import every other package; nothing
imports it."""
