"""Issue 13: every input up to 10 MB is refused or read within 10 s and 512 MiB, and no
command prints a traceback.

For every reader a user can feed dondoc (plan text and structured plans, agency directories,
done sheets, the workday overrides and the notify policy), benchmarks/hostile_files.py writes
into a temporary folder a valid file scaled to ~10 MB, the same just under the readers' limits,
and hostile shapes. Each file goes to the real command, run as a child process with a fresh
data dir (a copy of a database prepared once, untimed: migrated, the Sông Mã directory
imported, and for done sheets a plan of 20,800 weekly deadlines compiled). For each run: the
wall seconds, the child's own peak RSS (os.wait4 on its pid), its exit code and the first line
it wrote to stderr. Exits 1 if any run took over 10 s, over 512 MiB, or printed "Traceback".

    .venv/bin/python benchmarks/big_inputs.py [--only SUBSTRING] [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_files as h
import raw_xlsx as x

ROOT = Path(__file__).resolve().parents[1]
DONDOC = str(Path(sys.executable).with_name("dondoc"))
DIRECTORY = ROOT / "examples" / "directories" / "song-ma.yaml"
MAX_SECONDS = 10.0
MAX_MIB = 512.0
# A child past this much address space fails with MemoryError instead of taking the machine.
ADDRESS_LIMIT = 3 * 1024**3


@dataclass(frozen=True)
class Case:
    reader: str
    shape: str
    suffix: str
    write: Callable[[Path], None]
    command: tuple[str, ...]  # FILE stands for the file
    database: str = "empty"  # which prepared database the run starts from
    env: dict[str, str] = field(default_factory=dict)  # FILE stands for the file


def plan_cases() -> list[Case]:
    # 4 lines an item: 4,970 items are 19,888 lines, stopped before 999,000 characters
    text_under = h.plan_text(4_970, 80, chars=999_000)
    texts = [
        ("valid, ~10 MB (over the limits)", h.plan_text(10**6, 130, size=h.TEN_MB)),
        ("just under 1,000,000 chars / 20,000 lines", text_under),
        ("one 990,000-char line", h.plan_text(1, 990_000)),
        ("one 5 MB line", h.plan_text(1, h.HUGE_CELL)),
        ("10 MB of random bytes", h.text_random_bytes),
    ]
    header = list(h.ITEM_COLUMNS)
    row = ["1", "II", "Một nhiệm vụ", "", h.LEAD, "", "Hàng tháng"]
    xlsx = [
        (f"valid ~10 MB, {h.ROWS:,} rows", h.plan_xlsx(h.ROWS, 2_800)),
        ("just under 1,000,000 chars", h.plan_xlsx(2_000, 300)),
        ("cell at XFD1048576", lambda p: x.workbook(p, sheet_pair(x.last_cell_sheet(header)))),
        ("one 5 MB cell", lambda p: x.workbook(p, sheet_pair(x.huge_cell_sheet(header, row, 3)))),
        ("zip bomb: 3.9 GB of empty rows", lambda p: x.workbook(p, bomb_pair(header))),
        (
            "zip bomb: one 3.9 GB string",
            lambda p: x.workbook(p, sheet_pair(x.last_cell_sheet(header)), x.huge_string_bomb()),
        ),
    ]
    yaml_template = 'title: "T"\nissuer: "{issuer}"\nitems:\n  - content: "{{value}}"\n'
    yamls = [
        (f"valid ~10 MB, {h.ROWS:,} items", h.plan_yaml(h.ROWS, 420)),
        ("just under 1,000,000 chars", h.plan_yaml(1_800, 300)),
        ("aliases (billion laughs)", h.yaml_aliases),
        ("10 MB of nesting", h.yaml_deep),
        ("one 5 MB scalar", h.yaml_long_scalar(yaml_template.format(issuer=h.ISSUER))),
    ]
    csvs = [
        (f"valid ~10 MB, {h.ROWS:,} rows", h.plan_csv(h.ROWS, 540)),
        ("just under 1,000,000 chars", h.plan_csv(2_000, 300)),
        ("one 5 MB quoted field", h.structured_csv_huge_field),
        ("1,250,000 columns", h.csv_many_columns(list(h.ITEM_COLUMNS))),
    ]
    cases = []
    for suffix, shapes in ((".txt", texts), (".csv", csvs), (".xlsx", xlsx), (".yaml", yamls)):
        for shape, write in shapes:
            cases.append(Case(f"plan parse {suffix}", shape, suffix, write, ("plan", "parse")))
            cases.append(
                Case(f"plan import {suffix}", shape, suffix, write, ("plan", "import"), "agencies")
            )
    return cases


def sheet_pair(items: x.Member) -> dict[str, x.Member]:
    return {"Nhiệm vụ": items, "Kế hoạch": x.PLAN_SHEET}


def bomb_pair(header: list[str]) -> dict[str, x.Member]:
    return sheet_pair(x.empty_rows_bomb(header))


def other_cases() -> list[Case]:
    directory_yaml = "scope: S\nagencies:\n  - name: {value}\n"
    done = list(h.DONE_HEADER)
    done_row = ["1", "Xong", "28/12/2019", "Lò Văn Hải", ""]
    directory = [
        (".yaml", "valid ~10 MB, ~40,000 agencies", h.directory_yaml),
        (".yaml", f"{h.ROWS:,} agencies", h.directory_yaml_entries(h.ROWS)),
        (".yaml", "aliases (billion laughs)", h.yaml_aliases),
        (".yaml", "10 MB of nesting", h.yaml_deep),
        (".yaml", "one 5 MB name", h.yaml_long_scalar(directory_yaml)),
        (".csv", f"{h.ROWS:,} rows", h.directory_csv(h.ROWS)),
        (".csv", "one 5 MB quoted field", h.directory_csv_huge_field),
        (".csv", "1,250,000 columns", h.csv_many_columns(["name"])),
    ]
    sheets = [
        (".csv", f"valid ~10 MB, {h.ROWS:,} rows", h.done_csv(h.ROWS, 680)),
        (".csv", "one 5 MB quoted field", h.done_csv_huge_field),
        (".csv", "1,250,000 columns", h.csv_many_columns(done)),
        (".xlsx", f"valid ~10 MB, {h.ROWS:,} rows", h.done_xlsx(h.ROWS, 3_000)),
        (".xlsx", "cell at XFD1048576", lambda p: x.workbook(p, {"S": x.last_cell_sheet(done)})),
        (
            ".xlsx",
            "one 5 MB cell",
            lambda p: x.workbook(p, {"S": x.huge_cell_sheet(done, done_row, 4)}),
        ),
        (
            ".xlsx",
            "zip bomb: 3.9 GB of empty rows",
            lambda p: x.workbook(p, {"S": x.empty_rows_bomb(done)}),
        ),
    ]
    workdays = [
        ("valid ~10 MB, 73,400 days", h.workdays_yaml),
        ("aliases (billion laughs)", h.yaml_aliases),
        ("10 MB of nesting", h.yaml_deep),
        (
            "one 5 MB reason",
            h.yaml_long_scalar("off:\n  - {{date: 2026-01-05, reason: {value}}}\n"),
        ),
    ]
    policy = [
        ("valid ~10 MB lead-time list", h.policy_yaml),
        ("aliases (billion laughs)", h.yaml_aliases),
        ("10 MB of nesting", h.yaml_deep),
        ("one 5 MB scalar", h.yaml_long_scalar("escalation:\n  lead_after: {value}\n")),
    ]
    cases = [
        Case(f"agencies import {s}", shape, s, w, ("agencies", "import"))
        for s, shape, w in directory
    ]
    cases += [
        Case(f"occurrences import {s}", shape, s, w, ("occurrences", "import"), "work")
        for s, shape, w in sheets
    ]
    calendar = ("calendar", "workdays", "2026")
    cases += [
        Case(
            "workday overrides",
            shape,
            ".yaml",
            w,
            calendar,
            env={"DONDOC_WORKDAY_OVERRIDES": "FILE"},
        )
        for shape, w in workdays
    ]
    remind = ("remind", "--dry-run", "--date", "2026-01-05")
    cases += [
        Case("notify policy", shape, ".yaml", w, remind, env={"DONDOC_NOTIFY_POLICY": "FILE"})
        for shape, w in policy
    ]
    return cases


@dataclass
class Run:
    case: Case
    size: int
    exit: int | None = None  # None: killed at the timeout
    seconds: float = 0.0
    mib: float = 0.0
    message: str = ""
    traceback: bool = False

    @property
    def failed(self) -> bool:
        over = self.seconds > MAX_SECONDS or self.mib > MAX_MIB
        return over or self.traceback or self.exit is None

    def row(self) -> str:
        exit = "killed" if self.exit is None else str(self.exit)
        mark = " **✗**" if self.failed else ""
        message = self.message.replace("|", "\\|")[:100]
        return (
            f"| {self.case.reader} | {self.case.shape} | {self.size:,} | {exit} | "
            f"{self.seconds:.1f} | {self.mib:.0f} | {message}{mark} |"
        )


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    env |= {"DONDOC_DATA_DIR": str(data), "COLUMNS": "200", "PYTHONDONTWRITEBYTECODE": "1"}
    env["DONDOC_DATABASE_URL"] = f"sqlite:///{data / 'dondoc.sqlite3'}"
    return env


def dondoc(data: Path, *args: str) -> None:
    """An untimed step of preparing a database; it must succeed."""
    subprocess.run([DONDOC, *args], env=environment(data), check=True, capture_output=True)


def prepare(root: Path) -> dict[str, Path]:
    """The databases runs start from: migrated; with the directory; with work to report done."""
    made = {}
    for name in ("empty", "agencies", "work"):
        data = root / f"db-{name}"
        data.mkdir()
        dondoc(data, "db", "upgrade")
        if name != "empty":
            dondoc(data, "agencies", "import", str(DIRECTORY))
        if name == "work":  # 400 weekly items: 20,800 deadlines, ids 1… in order
            plan = root / "work-plan.yaml"
            h.plan_yaml(400, 40, timeframe="Hằng tuần")(plan)
            dondoc(data, "plan", "import", str(plan))
            dondoc(data, "plan", "approve", "1", "--by", "bench")
            dondoc(data, "plan", "compile", "1")
        made[name] = data / "dondoc.sqlite3"
    return made


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


def run(case: Case, file: Path, databases: dict[str, Path], root: Path, timeout: float) -> Run:
    data = Path(tempfile.mkdtemp(dir=root, prefix="run-"))
    shutil.copy(databases[case.database], data / "dondoc.sqlite3")
    env = environment(data) | {k: v.replace("FILE", str(file)) for k, v in case.env.items()}
    argv = [DONDOC, *(str(file) if a == "FILE" else a for a in case.command)]
    if "FILE" not in case.command and not case.env:
        argv.append(str(file))
    result = Run(case, file.stat().st_size)
    with (data / "out").open("wb") as out, (data / "err").open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=err, preexec_fn=_limit_memory)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.01)
        result.seconds = time.perf_counter() - start
    child.returncode = code = os.waitstatus_to_exitcode(status)
    result.exit = None if result.seconds > timeout else code
    result.mib = usage.ru_maxrss / 1024  # KiB on Linux
    result.traceback, result.message = _stderr(data / "err")
    shutil.rmtree(data)
    return result


def _stderr(path: Path) -> tuple[bool, str]:
    """Whether the child printed a traceback, and its first line (of errors, once stripped)."""
    first, traceback = "", False
    with path.open("rb") as err:
        for raw in err:
            line = raw.decode("utf-8", "replace").strip()
            first = first or line
            traceback = traceback or "Traceback" in line
    return traceback, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default="", help="Only cases whose reader or shape has one of these (a,b)."
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="Kill a run after S seconds.")
    options = parser.parse_args()
    cases = [
        case
        for case in plan_cases() + other_cases()
        if any(
            part in f"{case.reader} {case.shape}".lower()
            for part in options.only.lower().split(",")
        )
    ]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="dondoc-big-") as folder:
        root = Path(folder)
        databases = prepare(root)
        files: dict[tuple[str, str], Path] = {}
        for case in cases:
            key = (case.shape, case.suffix + case.reader.split()[0])
            if key not in files:
                files[key] = root / f"input-{len(files)}{case.suffix}"
                case.write(files[key])
            runs.append(run(case, files[key], databases, root, options.timeout))
            print(runs[-1].row(), file=sys.stderr, flush=True)
    load = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"# big inputs, {when}, {os.cpu_count()} CPUs, load {load[0]:.2f} at the end")
    print("| reader | shape | bytes | exit | s | MiB | message |")
    print("|---|---|---:|---:|---:|---:|---|")
    for result in runs:
        print(result.row())
    failed = [r for r in runs if r.failed]
    within = f"within {MAX_SECONDS:.0f} s and {MAX_MIB:.0f} MiB without a traceback"
    print(f"\n{len(runs) - len(failed)} of {len(runs)} runs {within}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
