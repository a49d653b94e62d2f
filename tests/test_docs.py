"""The documentation (README.md and docs/) stays true to the repository and to the command line.

- every relative link resolves to a file of the repository (and its #anchor to a heading there);
  no link leaves the repository;
- README and docs name no file outside the repository;
- every ``flask --app wsgi …`` command they quote exists in the app's command line, with options
  that command accepts and a number of arguments it takes;
- the IT guide names every environment variable the code reads;
- the worked example of docs/formats.md imports through the command line and exports exactly
  the rows the page shows.
Each checker is also shown to fail on a bad example.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])

#: Names of files that live outside the repository: the docs never send a reader there.
FORBIDDEN = ("FORMATS.md", "DOMAIN.md", "STYLE.md", "../shared")

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^(```|~~~)")
_COMMAND = re.compile(r"flask --app wsgi ([^`\n]+)")


def _prose(text: str) -> str:
    """The text without fenced code blocks (links in code are not links)."""
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return "\n".join(out)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped (CJK kept),
    spaces turned into hyphens."""
    kept = []
    for char in heading.strip().lower():
        kind = unicodedata.category(char)
        if char in " -" or char == "_" or kind[0] in "LMN":
            kept.append("-" if char == " " else char)
    return "".join(kept)


def anchors(text: str) -> set[str]:
    """Every heading anchor of a Markdown text (repeated headings get -1, -2…)."""
    found: set[str] = set()
    for line in _prose(text).splitlines():
        match = re.match(r"#{1,6}\s+(.*)", line)
        if match:
            base = slug(match.group(1))
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def link_problems(path: Path, text: str, root: Path = ROOT) -> list[str]:
    """Links of `text` (the file at `path`) that leave the repository or point nowhere."""
    problems = []
    for target in _LINK.findall(_prose(text)):
        where = f"{path.relative_to(root)}: {target}"
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("/", "//")):
            problems.append(f"{where}: points outside the repository")
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path.resolve()
        try:
            resolved.relative_to(root)
        except ValueError:
            problems.append(f"{where}: points outside the repository")
            continue
        if not resolved.exists():
            problems.append(f"{where}: no such file")
            continue
        text_there = resolved.read_text(encoding="utf-8") if resolved.suffix == ".md" else ""
        if anchor and text_there and anchor not in anchors(text_there):
            problems.append(f"{where}: no heading with anchor #{anchor}")
    return problems


def forbidden_mentions(text: str) -> list[str]:
    """Names of files outside the repository that `text` mentions."""
    return [name for name in FORBIDDEN if name in text]


def quoted_commands(text: str) -> list[str]:
    """The command lines quoted after ``flask --app wsgi`` (a trailing # comment dropped); a lone
    upper-case placeholder (``flask --app wsgi COMMAND``) is not a command."""
    lines = [re.sub(r"\s+#.*$", "", m).strip() for m in _COMMAND.findall(text)]
    return [line for line in lines if not re.fullmatch(r"[A-Z_]+", line)]


def _option(command: click.Command, name: str) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _choice_problem(param: click.Parameter, value: str) -> str | None:
    if isinstance(param.type, click.Choice) and value not in param.type.choices:
        return f"{value!r} is not one of {', '.join(map(str, param.type.choices))}"
    return None


def command_problem(line: str, cli: click.Group) -> str | None:
    """Why ``flask --app wsgi LINE`` is not a command the app accepts, or None."""
    words = shlex.split(line)
    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.commands.get(words[0])
        if sub is None:
            return f"{' '.join([*path, words[0]])}: no such command"
        path.append(words.pop(0))
        command = sub
    if isinstance(command, click.Group):
        return f"{' '.join(path) or '(none)'}: a group, not a command"
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    positional: list[str] = []
    while words:
        word = words.pop(0)
        if word.startswith("-") and len(word) > 1:
            name, has_value, value = word.partition("=")
            option = _option(command, name)
            if option is None:
                return f"{' '.join(path)}: no option {name}"
            if not option.is_flag:
                if not has_value:
                    if not words:
                        return f"{' '.join(path)}: {name} needs a value"
                    value = words.pop(0)
                problem = _choice_problem(option, value)
                if problem:
                    return f"{' '.join(path)} {name}: {problem}"
            elif has_value:
                return f"{' '.join(path)}: {name} takes no value"
        else:
            positional.append(word)
    required = sum(1 for a in arguments if a.required)
    if not required <= len(positional) <= len(arguments):
        return (
            f"{' '.join(path)}: {len(positional)} arguments, expected {required}..{len(arguments)}"
        )
    for argument, value in zip(arguments, positional, strict=False):
        problem = _choice_problem(argument, value)
        if problem:
            return f"{' '.join(path)} {argument.name}: {problem}"
    return None


# ---- the documentation as it is ---------------------------------------------------------------


def test_the_docs_exist_and_readme_links_each_of_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pages = {*(p.relative_to(ROOT).as_posix() for p in DOCS if p.parent.name == "docs")}
    for page in sorted(pages):
        assert f"]({page})" in readme, f"README does not link {page}"
    for page in ("board-guide", "formats", "university-guide", "it-guide", "rules-reference"):
        assert (ROOT / "docs" / f"{page}.md").exists()


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_resolves_inside_the_repository(path: Path) -> None:
    assert link_problems(path, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_mention_of_files_outside_the_repository(path: Path) -> None:
    assert forbidden_mentions(path.read_text(encoding="utf-8")) == []


def test_every_quoted_command_exists(app) -> None:
    quoted = {
        (path.relative_to(ROOT).as_posix(), line)
        for path in DOCS
        for line in quoted_commands(path.read_text(encoding="utf-8"))
    }
    assert len(quoted) > 40  # the guides quote the whole season
    problems = [f"{where}: {line}: {why}" for where, line in sorted(quoted)
                if (why := command_problem(line, app.cli))]  # fmt: skip
    assert problems == []


def test_every_import_kind_and_export_kind_is_documented(app) -> None:
    formats = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    import_kinds = next(p for p in app.cli.commands["import"].params if p.name == "kind")
    for kind in import_kinds.type.choices:
        assert f"flask --app wsgi import {kind} " in formats or f"`{kind}`" in formats, kind
    for kind in app.cli.commands["export"].commands:
        assert f"flask --app wsgi export {kind} " in formats, kind


# ---- the checkers fail when they should -------------------------------------------------------


def test_link_checker_reports_missing_files_anchors_and_outside_links(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# 一、标题 One\n## 文件格式：plans（计划）\n", "utf-8")
    page = tmp_path / "README.md"
    text = (
        "[ok](docs/a.md) [ok](docs/a.md#一标题-one) [ok](docs/a.md#文件格式plans计划)\n"
        "[gone](docs/missing.md) [anchor](docs/a.md#nowhere) [web](https://example.org)\n"
        "[up](../shared/x.md) [abs](/etc/passwd) [later](docs/plans-and-scale.md)\n"
        "```\n[in code](docs/ignored.md)\n```\n"
    )
    problems = link_problems(page, text, root=tmp_path)
    assert [p.split(": ")[1] for p in problems] == [
        "docs/missing.md", "docs/a.md#nowhere", "https://example.org", "../shared/x.md",
        "/etc/passwd", "docs/plans-and-scale.md",
    ]  # fmt: skip


def test_forbidden_names_are_found() -> None:
    assert forbidden_mentions("see FORMATS.md and ../shared/DOMAIN.md") == [
        "FORMATS.md", "DOMAIN.md", "../shared",
    ]  # fmt: skip
    assert forbidden_mentions("see docs/formats.md") == []


def test_command_checker_refuses_what_the_cli_does_not_accept(app) -> None:
    cli = app.cli
    assert command_problem("import plans SD2026CK plans.csv --dry-run", cli) is None
    assert command_problem("allocate SD2026CK BK --round 2", cli) is None
    assert command_problem("export admissions X --format=xlsx -o a.xlsx", cli) is None
    assert "no such command" in command_problem("import-plans SD2026CK f.csv", cli)
    assert "no such command" in command_problem("candidates activation-letters X -o f.csv", cli)
    assert "is not one of" in command_problem("import plan SD2026CK plans.csv", cli)
    assert "no option --admit" in command_problem("round close X BK --admit", cli)
    assert "is not one of" in command_problem("export cutoffs X --format docx -o f", cli)
    assert "arguments" in command_problem("allocate SD2026CK", cli)
    assert "a group" in command_problem("round", cli)
    assert "needs a value" in command_problem("exam export X -o", cli)
    assert quoted_commands("run `flask --app wsgi scores compute X` then\n"
                           "flask --app wsgi scores publish X   # publish\n"
                           "`flask --app wsgi COMMAND`") == [
        "scores compute X", "scores publish X",
    ]  # fmt: skip


def environment_keys(source: str) -> set[str]:
    """The environment variables a module reads (``os.environ.get``, ``env_flag``, ``env_int``)."""
    pattern = (
        r"""(?:environ\.get|environ\[|getenv|env_flag|env_int)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
    )
    return set(re.findall(pattern, source))


def test_it_guide_documents_every_environment_variable_the_code_reads() -> None:
    read = set()
    for module in (ROOT / "admissions").rglob("*.py"):
        read |= environment_keys(module.read_text(encoding="utf-8"))
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "ADMISSIONS_PDF_FONT"} <= read
    guide = (ROOT / "docs" / "it-guide.md").read_text(encoding="utf-8")
    assert sorted(key for key in read if f"`{key}`" not in guide) == []
    assert environment_keys('os.environ.get("NEW_KEY", 1) env_int("OTHER", 2)') == {
        "NEW_KEY", "OTHER",
    }  # fmt: skip


# ---- the worked example of docs/formats.md, replayed ---------------------------------------


def code_blocks(text: str) -> list[str]:
    """The fenced code blocks of a Markdown text, in order."""
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)


def example_file(text: str, name: str) -> str:
    """The block under the line that introduces the example file `name` (示例 `plans.csv`)."""
    match = re.search(rf"示例 `{re.escape(name)}`[^\n]*\n```\n(.*?)```", text, re.S)
    assert match, f"formats.md has no example {name}"
    return match.group(1)


def output_after(text: str, command: str) -> list[str]:
    """The lines of the block that follows the block quoting `command`."""
    blocks = code_blocks(text)
    index = next(i for i, block in enumerate(blocks) if command in block)
    return blocks[index + 1].splitlines()


def test_the_worked_example_imports_and_exports_as_shown(app, db, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    names = ["plans.csv", "candidates.csv", "scores.csv", "credits.csv", "prefs-BK-1.csv",
             "decisions-BK-1.csv", "prefs-BK-2.csv"]  # fmt: skip
    for name in names:
        (tmp_path / name).write_text(example_file(text, name), encoding="utf-8")
    out = {kind: tmp_path / f"{kind}.csv" for kind in ("admissions", "cutoffs", "ranktable")}
    code = "SD2026CK"
    steps = [
        ["exam", "load", str(ROOT / "presets" / "shandong.toml")],
        *(["import", kind, code, name] for kind, name in [
            ("plans", "plans.csv"), ("candidates", "candidates.csv"), ("scores", "scores.csv"),
            ("credits", "credits.csv")]),
        ["scores", "compute", code], ["scores", "publish", code],
        ["import", "preferences", code, "prefs-BK-1.csv"],
        ["allocate", code, "BK", "--round", "1"],
        ["import", "decisions", code, "decisions-BK-1.csv"],
        ["round", "close", code, "BK", "--admit-pending"],
        ["import", "preferences", code, "prefs-BK-2.csv"],
        ["allocate", code, "BK", "--round", "2"],
        ["round", "close", code, "BK", "--admit-pending"],
        ["export", "admissions", code, "-o", str(out["admissions"])],
        ["export", "cutoffs", code, "--batch", "BK", "-o", str(out["cutoffs"])],
        ["export", "ranktable", code, "--category", "IT", "-o", str(out["ranktable"])],
    ]  # fmt: skip
    runner = app.test_cli_runner()
    for step in steps:
        args = [str(tmp_path / a) if a in names else a for a in step]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, f"{step}: {result.output}"

    def written(kind: str) -> list[str]:
        return out[kind].read_bytes().decode("utf-8-sig").splitlines()

    assert written("admissions") == output_after(text, "export admissions SD2026CK -o admissions")
    assert written("cutoffs") == output_after(text, "export cutoffs SD2026CK --batch BK")
    shown = output_after(text, "export ranktable SD2026CK --category IT")
    assert written("ranktable")[: len(shown)] == shown


def test_the_other_examples_read_without_error() -> None:
    from admissions.files.columns import preferences_spec
    from admissions.files.readers import read_table
    from admissions.services.admin.institutions import INSTITUTIONS_SPEC

    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    grouped = re.search(r"院校专业组（grouped）示例[^\n]*\n```\n(.*?)```", text, re.S)
    blocks = code_blocks(text)
    table = next(b for b in blocks if b.startswith("code,name,city\n"))
    assert grouped is not None
    read = read_table(grouped.group(1).encode(), "grouped.csv", preferences_spec({"BK": 45}))
    assert read.ok and [r["adjust"] for r in read.rows] == ["Y", "N"], read.errors
    read = read_table(table.encode(), "institutions.csv", INSTITUTIONS_SPEC)
    assert read.ok and len(read.rows) == 2, read.errors
