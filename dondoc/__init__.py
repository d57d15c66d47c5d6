"""dondoc: approved Vietnamese administrative plans turned into tracked, dated work.

This package holds the floor and the roof of the project. `dondoc.core` is the floor: settings,
the database engine, the clock, text normalisation and the input-problem type, importing
nothing else of dondoc. `dondoc.cli` (the `dondoc` command and the main job), `dondoc.stack`
(the local services the main job and the tests start) and `dondoc.web` (the feed and
completion-page server) are the roof: they may import everything below them. `data/` holds the
packaged policy files. The layers are a contract in pyproject.toml, checked by
tests/test_architecture.py."""

__version__ = "0.1.0"
