"""``arealanalyse check``: review a proposal against the arealstrategi rules."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arealanalyse.i18n import msg, verdict_label
from arealanalyse.io import check_output_folder, staged_output

__all__ = ["check"]

_REVIEW_FILES = frozenset({"review.html", "review.md", "review.json"})

_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "not_applicable": "dim"}


def check(
    proposal: Path = typer.Argument(
        ...,
        help="Scenario file (.yaml) or plan proposal (.gpkg, .geojson, .gml) with arealformål "
        "codes and BRA.",
    ),
    rules: Path | None = typer.Option(
        None, "--rules", help="Rule file (default: scenarios/rules/baerum-arealstrategi.yaml)."
    ),
    out: Path = typer.Option(Path("review"), "--out", help="Folder for review.html/.md/.json."),
    lang: str = typer.Option("nb", "--lang", help="Report language: nb (bokmål) or en."),
    catalogue: Path | None = typer.Option(
        None,
        "--catalogue",
        help="Study area of a proposal file (default: the demo, layers/baerum-demo.yaml); "
        "overrides a scenario's catalogue.",
    ),
    period: str | None = typer.Option(
        None, "--period", help="Plan period START-END (e.g. 2026-2040) for the per-year targets."
    ),
    layer: str | None = typer.Option(None, "--layer", help="Layer of a multi-layer proposal."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Text encoding of a proposal file when not UTF-8 (latin-1...)."
    ),
    online_map: bool = typer.Option(
        False, "--online-map", help="Load the web map's scripts from the internet (smaller file)."
    ),
) -> None:
    """Check a proposal against the arealstrategi rules and write a review report.

    Writes review.html (map of the sites coloured by verdict, tables), review.md (for the case
    file) and review.json. Exit code 0 when no fail-severity rule is broken (warnings allowed),
    1 when one is, 2 on invalid input.

    Example: arealanalyse check scenarios/knutepunkt.yaml --out review --lang en
    """
    from arealanalyse.report import write_review
    from arealanalyse.rules import default_rules_path, load_rules
    from arealanalyse.rules.review import check as run_check
    from arealanalyse.rules.review import load_proposal
    from arealanalyse.study import Study

    if lang not in ("nb", "en"):
        raise typer.BadParameter(f"{lang!r}: use nb or en.", param_hint="--lang")
    if encoding is not None:
        from arealanalyse.layers.readers import check_encoding

        try:
            check_encoding(encoding)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--encoding") from None
    check_output_folder(out, owns=_REVIEW_FILES)
    console = Console()
    t0 = time.perf_counter()
    with console.status(msg("cli.check.reading", lang)) as st:

        def say(message: str) -> None:
            st.update(f"{message} ({time.perf_counter() - t0:.0f} s)")

        # Files first: the rules and the proposal are read and validated before the study
        # area is opened.
        rule_set = load_rules(rules if rules is not None else default_rules_path())
        loaded = load_proposal(
            proposal, catalogue=catalogue, period=period, layer=layer, encoding=encoding
        )
        study = Study.open(loaded.catalogue, progress=say)
        res = run_check(study, loaded, rules=rule_set, progress=say)
        say(msg("cli.check.writing", lang))
        inputs = {f"proposal:{proposal.name}": proposal}
        if res.evaluation.rules.path is not None:
            inputs[f"rules:{res.evaluation.rules.path.name}"] = res.evaluation.rules.path
        with staged_output(out, command="check", inputs=inputs, owns=_REVIEW_FILES) as stage:
            stage.inputs.update(res.result.inputs)
            written = write_review(
                res.evaluation,
                stage.path,
                lang=lang,
                synthetic=res.synthetic,
                notes=res.notes,
                sources=res.sources,
                offline=not online_map,
            )
            paths = {k: stage.final(v) for k, v in written.items()}
    ev = res.evaluation
    table = Table(title=ev.rules.title.get(lang), show_lines=False)
    for head in ("word.rule", "review.severity", "review.verdict", "cli.check.counts"):
        table.add_column(msg(head, lang))

    def word(verdict: str) -> str:
        return verdict_label(verdict, lang).lower()

    for _, r in ev.rule_summary().iterrows():
        v = str(r["verdict"])
        sev = word("fail") if r["severity"] == "fail" else word("warn")
        counts = f"{r['n_pass']}/{r['n_warn']}/{r['n_fail']}/{r['n_not_applicable']}"
        table.add_row(str(r["rule_id"]), sev, f"[{_STYLE[v]}]{word(v)}[/]", counts)
    console.print(table)
    if res.synthetic:
        console.print(f"[yellow]{msg('cli.synthetic', lang)}[/yellow]")
    status = ev.status
    console.print(f"[{_STYLE[status]}]{msg(f'cli.check.status_{status}', lang)}[/]")
    for p in paths.values():
        # soft_wrap: a long path stays on one line, so it can be copied
        console.print(f"{msg('cli.wrote', lang)} {p}", soft_wrap=True)
    raise typer.Exit(ev.exit_code)
