"""Command-line interface: parse, call the library, write, report where outputs went.

Each concern has its own module with a ``typer.Typer`` sub-app or command; they are registered in
:func:`_register`. :func:`main` maps every :class:`~arealanalyse.errors.ArealanalyseError`, the
usual file errors and click's usage errors to exit code 2 with a one-line message, and any other
exception to exit code 3 with one line naming a log file that holds the traceback; ``--verbose``
shows the traceback too.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

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
    from arealanalyse.cli import arealregnskap as _arealregnskap

    app.command("arealregnskap")(_arealregnskap.arealregnskap)
    from arealanalyse.cli import transit as _transit

    app.add_typer(_transit.app, name="transit")
    from arealanalyse.cli import batch as _batch

    app.command("batch")(_batch.batch)


_register()


def _fail(message: str, code: int = 2) -> int:
    line = " ".join(str(message).split())
    typer.secho(f"error: {line}", fg=typer.colors.RED, err=True)
    return code


def _click_classes(name: str) -> tuple[type[BaseException], ...]:
    """``name`` from click and from the click that typer vendors (newer typer), if any."""
    import importlib

    found: list[type[BaseException]] = []
    for module in ("click.exceptions", "typer._click.exceptions", "typer.exceptions"):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and cls not in found:
            found.append(cls)
    return tuple(found)


_NO_ARGS = _click_classes("NoArgsIsHelpError")
_USAGE = _click_classes("UsageError")
_CLICK = _click_classes("ClickException")
_EXIT = _click_classes("Exit")
_ABORT = _click_classes("Abort")
_INTERRUPTS: tuple[type[BaseException], ...] = (KeyboardInterrupt, *_ABORT)


def _usage_line(exc: Any) -> str:
    """One line for a click/typer usage error, naming the command and its --help."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "arealanalyse"
    return f"{exc.format_message()} (see '{command} --help')"


def _crash_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback of an unexpected exception to a log file; return its path."""
    import datetime
    import os
    import platform
    import tempfile

    from arealanalyse import __version__

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"arealanalyse {__version__} on Python {platform.python_version()} "
        f"({platform.platform()})\ncommand: arealanalyse {' '.join(argv)}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    env = os.environ.get("AREALANALYSE_LOG_DIR")
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folders = [Path(env)] if env else []
    folders += [Path(cache) / "arealanalyse" / "logs", Path(tempfile.gettempdir())]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"arealanalyse-crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``arealanalyse`` command; returns the exit code.

    Every failure ends in one line on stderr: exit 2 for usage and input errors, 3 (with the
    path of a log file holding the traceback) for an unexpected internal error, 130/143 when
    interrupted by SIGINT/SIGTERM (after cleaning up staged outputs). ``--verbose`` also
    prints the traceback.
    """
    from arealanalyse.io import Interrupted, handle_signals

    console_script = argv is None
    if argv is None:
        argv = sys.argv[1:]
    argv = list(argv)
    verbose = "--verbose" in argv or "-v" in argv
    _STATE["verbose"] = verbose
    try:
        with handle_signals(), warnings.catch_warnings():
            if console_script and not verbose:
                # library warnings (GDAL via pyogrio, pandas) would break the one-line contract;
                # --verbose shows them
                warnings.simplefilter("ignore")
            rv = app(args=argv, prog_name="arealanalyse", standalone_mode=False)
        return rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
    except _NO_ARGS as exc:
        typer.echo(exc.format_message())  # type: ignore[attr-defined]
        return 0
    except _USAGE as exc:
        return _fail(_usage_line(exc))
    except _CLICK as exc:
        return _fail(exc.format_message())  # type: ignore[attr-defined]
    except _EXIT as exc:  # pragma: no cover - typer returns these as codes
        return int(exc.exit_code)  # type: ignore[attr-defined]
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else _fail(str(code)))
    except ArealanalyseError as exc:
        if verbose:
            traceback.print_exc()
        return _fail(str(exc))
    except (
        FileNotFoundError,
        FileExistsError,
        PermissionError,
        IsADirectoryError,
        NotADirectoryError,
    ) as exc:
        if verbose:
            traceback.print_exc()
        return _fail(f"{exc}; check the path.")
    except Interrupted as exc:
        return _fail(_interrupted(exc.signame), exc.exit_code)
    except _INTERRUPTS:
        return _fail(_interrupted("SIGINT"), 130)
    except Exception as exc:
        return _internal(exc, argv, verbose)


def _interrupted(signame: str) -> str:
    return (
        f"interrupted ({signame}); nothing partial was left: the output folder holds the "
        "previous complete run, or nothing."
    )


def _internal(exc: Exception, argv: list[str], verbose: bool) -> int:
    """One line for an unexpected exception (exit 3), the traceback in a log file."""
    if verbose:
        traceback.print_exception(exc)
    log = _crash_log(exc, argv)
    where = f"the traceback is in {log}" if log else "no log could be written"
    said = " ".join(str(exc).split())
    said = said if len(said) <= 200 else said[:197] + "..."
    return _fail(
        f"internal error ({type(exc).__name__}: {said}); this is a bug in arealanalyse, not "
        f"in your input: {where}; please report it with that file.",
        3,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
