"""CI must run the README's test command, and the Quick start must be exactly two commands."""

import re


def quick_start_commands(readme: str) -> list[str]:
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one(root):
    commands = quick_start_commands((root / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2, commands
    build_command, test_command = commands
    assert "build" in build_command and "test" in test_command
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.strip() == test_command for line in ci.splitlines()), f"{test_command!r} not in .ci/run"
