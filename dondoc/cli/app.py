"""The root of the `dondoc` command: it only assembles the command groups, each in its own
module (the console script is `dondoc.cli.app:app`)."""

from __future__ import annotations

from dondoc.cli.admin import admin_app
from dondoc.cli.agencies import agencies_app
from dondoc.cli.calendar import calendar_app
from dondoc.cli.db import db_app
from dondoc.cli.demo import run_demo
from dondoc.cli.errors import command_group
from dondoc.cli.feeds import feeds_app, serve
from dondoc.cli.notify import escalate, remind
from dondoc.cli.occurrences import occurrences_app
from dondoc.cli.outbox import outbox_app
from dondoc.cli.plan import plan_app
from dondoc.cli.report import report_app

app = command_group("dondoc: approved plans turned into tracked, dated work.")
app.add_typer(plan_app, name="plan")
app.add_typer(agencies_app, name="agencies")
app.add_typer(occurrences_app, name="occurrences")
app.add_typer(outbox_app, name="outbox")
app.add_typer(report_app, name="report")
app.add_typer(calendar_app, name="calendar")
app.add_typer(feeds_app, name="feeds")
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.command("demo")(run_demo)
app.command("serve")(serve)
app.command("remind")(remind)
app.command("escalate")(escalate)
