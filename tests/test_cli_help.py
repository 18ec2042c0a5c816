"""Every CLI command has --help with an example (issue 9), and help never crashes."""

from __future__ import annotations

import click
import pytest
import typer.main

from arealanalyse.cli import app, main


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)  # typer's groups are not always click.Group
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        else:
            out.append(path)

    walk(root, ())
    return out


COMMANDS = _commands()


def test_the_main_commands_exist() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"layers info", "layers check"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_help_has_an_example(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example" in text, f"`arealanalyse {' '.join(path)} --help` shows no example"
    assert "arealanalyse " in text.split("Example", 1)[1], "the example shows a real command line"
