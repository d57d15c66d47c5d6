"""The `dondoc` command: one module per command group (`plan` lives in `app`, beside the root
Typer app; `agencies`, `occurrences`, `feeds`, `outbox`, `report`, `calendar`, `notify` for
remind and escalate, `demo` for the main job) and the plumbing they share (`output` for
JSON, tables and errors, `names` for agency names typed on the command line, `plan_views` and
`compile_view` for what plans and compiles look like in a terminal). The top layer: it may
import every other package; nothing imports it."""
