"""Command-line interface: parse, call the library, write, report where outputs went.

Each concern has its own module with a ``typer.Typer`` sub-app or command; they are registered in
:func:`_register`. :func:`main` maps every :class:`~arealanalyse.errors.ArealanalyseError` (and the
usual file errors) to exit code 2 with a one-line message; ``--verbose`` shows the traceback too.
"""

from __future__ import annotations

import sys
import traceback

import typer

from arealanalyse.errors import ArealanalyseError

__all__ = ["app", "main"]

app = typer.Typer(
    name="arealanalyse",
    help=(
        "Land-use analysis for Norwegian municipalities: access metrics on a walk network, "
        "business-area scenarios, arealstrategi compliance checks and shareable maps.\n\n"
        "Example: arealanalyse demo run --out output"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

_STATE = {"verbose": False}


def _print_version(value: bool) -> None:
    if value:
        from arealanalyse import __version__

        typer.echo(f"arealanalyse {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Arealanalyse: land-use analysis for Norwegian municipalities."""
    _STATE["verbose"] = verbose


def _register() -> None:
    from arealanalyse.cli import layers as _layers

    app.add_typer(_layers.app, name="layers")
    from arealanalyse.cli import demo as _demo

    app.add_typer(_demo.app, name="demo")
    from arealanalyse.cli import scenario as _scenario

    app.add_typer(_scenario.app, name="scenario")
    from arealanalyse.cli import map as _map

    app.command("map")(_map.map_command)
    from arealanalyse.cli import check as _check

    app.command("check")(_check.check)
    from arealanalyse.cli import fetch as _fetch

    app.command("fetch")(_fetch.fetch)
    from arealanalyse.cli import metrics as _metrics

    app.add_typer(_metrics.app, name="metrics")


_register()


def _fail(message: str) -> int:
    line = " ".join(str(message).split())
    typer.secho(f"error: {line}", fg=typer.colors.RED, err=True)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``arealanalyse`` command; returns the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    _STATE["verbose"] = "--verbose" in argv or "-v" in argv
    try:
        # Standalone mode: click handles usage errors itself (message, exit 2) and every command
        # ends in SystemExit; our own errors propagate to here.
        app(args=argv, prog_name="arealanalyse", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else _fail(str(code)))
    except ArealanalyseError as exc:
        if _STATE["verbose"]:
            traceback.print_exc()
        return _fail(str(exc))
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        if _STATE["verbose"]:
            traceback.print_exc()
        return _fail(f"{exc}; check the path.")
    except KeyboardInterrupt:
        return _fail("interrupted; outputs written so far are complete files (writes are atomic).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
