"""The report as flat tables: what the page shows under each chart and what each CSV holds.

Pure. Column and row keys are the report's own words; the page translates them, the CSV keeps
them (stable for a spreadsheet or a script). Counts only.
"""

import csv
import io
from dataclasses import dataclass

from .report import BAND_NAMES, OUTCOMES, VERDICTS

HELD_COLUMNS = ("held", "recorded", "share", "interval95_low", "interval95_high")


@dataclass
class Table:
    key: str
    columns: tuple[str, ...]
    rows: list[list]


def held_row(figures: dict) -> list:
    low, high = figures["interval95"] or (None, None)
    return [figures["held"], figures["recorded"], figures["share"], low, high]


def report_tables(report: dict) -> dict[str, Table]:
    checks = report["checks"]
    tables = [
        Table(
            "weekly",
            ("week", "started", "finished", *VERDICTS),
            [
                [row["week"], row["started"], row["finished"], *(row[v] for v in VERDICTS)]
                for row in checks["per_week"]
            ],
        ),
        Table(
            "funnel",
            ("step", "count", "lost_share"),
            [[row["step"], row["count"], row["lost_share"]] for row in report["funnel"]],
        ),
        Table(
            "reasons",
            ("reason", "count"),
            [[row["reason"], row["count"]] for row in checks["top_reasons"]],
        ),
        Table(
            "browsers",
            ("browser", "count"),
            [[row["browser"], row["count"]] for row in checks["browsers"]],
        ),
        Table(
            "systems",
            ("system", "count"),
            [[row["system"], row["count"]] for row in checks["systems"]],
        ),
        Table(
            "medians",
            ("figure", "median"),
            [[name, value] for name, value in checks["medians"].items()],
        ),
        Table(
            "outcomes",
            ("verdict", *OUTCOMES),
            [
                [verdict, *(report["outcomes"][verdict][o] for o in OUTCOMES)]
                for verdict in VERDICTS
            ],
        ),
        Table(
            "held",
            ("verdict", *HELD_COLUMNS),
            [
                [verdict, *held_row(report[f"{verdict}_held_on_video"])]
                for verdict in VERDICTS
                if f"{verdict}_held_on_video" in report
            ],
        ),
    ]
    for kind in BAND_NAMES:
        tables.append(
            Table(
                f"bands_{kind}",
                ("band", "verdict", *HELD_COLUMNS),
                [
                    [row["band"], verdict, *held_row(row[verdict])]
                    for row in report["bands"][kind]
                    for verdict in ("all", *VERDICTS)
                ],
            )
        )
    return {table.key: table for table in tables}


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(["" if value is None else value for value in row] for row in table.rows)
    return out.getvalue()
