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


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show full tracebacks on errors."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Arealanalyse: land-use analysis for Norwegian municipalities."""
    _STATE["verbose"] = verbose
    if version:
        from arealanalyse import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


def _register() -> None:
    from arealanalyse.cli import layers as _layers

    app.add_typer(_layers.app, name="layers")


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
        # Non-standalone click returns a typer.Exit's code instead of raising it.
        rv = app(args=argv, prog_name="arealanalyse", standalone_mode=False)
        if isinstance(rv, int):
            return rv
    except SystemExit as exc:  # typer.Exit inside commands
        return int(exc.code or 0)
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
    except Exception as exc:  # click's usage errors and friends
        import click

        if isinstance(exc, click.exceptions.Exit):
            return int(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.Abort):
            return _fail("aborted.")
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
