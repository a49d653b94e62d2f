"""Read an import file (CSV or XLSX bytes) into plain rows keyed by English column keys.

Everything is text: ID numbers keep their X and leading zeros. Every problem is collected, with
its line (as a spreadsheet shows it, header = 1) and column, so the clerk can fix the file at once
(the first ``MAX_LISTED_ERRORS`` of them by line, and how many more there are).

Checks every cell gets before its column's parser: its length (the column's ``max_length``, from
the database column it fills) and no NUL or other control character; and every row must be as wide
as the header (a short row is a lost comma, or a double quote that swallowed the cells after it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from admissions.files.columns import Column, ComponentInfo, TableSpec, spec_for
from admissions.files.errors import ErrorList, FileError, errors_as_csv, errors_as_text, not_listed
from admissions.files.parsers import CellError
from admissions.files.sources import CellProblem, SourceError, csv_rows, xlsx_rows

__all__ = ["FileError", "ReadResult", "errors_as_csv", "errors_as_text", "read_table"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
Validator = Callable[[str], str | None]
Row = dict[str, str | None]
_CACHE_SIZE = 200_000  # per column: scores, codes and numbers repeat; parse each distinct text once
_MISS = object()  # not in a column's cache: the cell is parsed and checked (_parsed_misses)
_UNSEEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters but tab, CR, LF


@dataclass
class ReadResult:
    """Parsed rows (English keys → canonical text, None when blank), their lines, and all errors."""

    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # English key → header as written

    @property
    def ok(self) -> bool:
        """True when the file has no error at all (an import is all or nothing)."""
        return not self.errors


def read_table(
    data: bytes,
    filename: str,
    spec: TableSpec | str,
    *,
    components: Sequence[ComponentInfo] = (),
    validators: Mapping[str, Validator] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read `data` (the bytes of `filename`, CSV or XLSX) against `spec` (a TableSpec or a kind).

    `validators` maps a column key to a callable returning an error message or None (for example
    the ID-number checker). Rows are only meaningful when `result.ok`.
    """
    table = spec if isinstance(spec, TableSpec) else spec_for(spec, components)
    result = ReadResult()
    errors = ErrorList()

    def fail(line: int | None, column: str | None, message: str) -> ReadResult:
        errors.add(FileError(filename, line, column, message))
        result.errors = errors.listed()
        return result

    if len(data) > max_bytes:
        return fail(None, None, f"文件大小 {_size(len(data))}，超过上限 {_size(max_bytes)}")
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        return fail(None, None, "文件为空")
    try:
        grid, problems = _grid(data, filename)
    except SourceError as error:
        for line, _index, message in error.cells:
            errors.add(FileError(filename, line, None, message))
        if error.not_listed:
            errors.add(not_listed(filename, error.not_listed))
        return fail(None, None, str(error)) if not error.cells else _listed(result, errors)
    _Reader(table, filename, validators or {}, result, errors).read(grid, problems)
    return _listed(result, errors)


def _listed(result: ReadResult, errors: ErrorList) -> ReadResult:
    result.errors = errors.listed()
    return result


def _grid(data: bytes, filename: str) -> tuple[list[list[str]], list[CellProblem]]:
    lowered = filename.lower()
    if lowered.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV")
    if lowered.endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        return xlsx_rows(data)
    return csv_rows(data)


class _Reader:
    """One pass over a grid: header, then every row's cells, uniqueness and row checks."""

    def __init__(
        self,
        spec: TableSpec,
        filename: str,
        validators: Mapping[str, Validator],
        result: ReadResult,
        errors: ErrorList,
    ) -> None:
        self.spec, self.filename, self.validators, self.result = spec, filename, validators, result
        self.errors = errors
        self.headers: list[str] = []
        self.columns: dict[int, Column] = {}  # grid column index → spec column
        self.parsed: list[tuple[int, Row]] = []  # every data row, bad cells left None
        self.keys: list[str] = []
        # per column: index, spec, header, validator, and a cache of accepted text → parsed text
        self.plan: list[tuple[int, Column, str, Validator | None, dict[str, str]]] = []
        self.unnamed: list[int] = []  # header cells left blank
        self.width = 0  # cells a row needs: up to the last named header cell
        # a row of exactly the header's width, without unreadable cells, is read from the column
        # caches (texts accepted before; blank in an optional column), its other cells parsed in
        # line: the same row the full checks would give, in a fraction of the time; a row with a
        # cell refused takes the full checks, which say why
        self.fast_width = -1
        self.fast_keys: list[str] = []

    def error(self, line: int | None, column: str | None, message: str) -> None:
        self.errors.add(FileError(self.filename, line, column, message))

    def read(self, grid: list[list[str]], problems: list[CellProblem]) -> None:
        while grid and not any(grid[-1]):
            grid.pop()
        if not grid:
            self.error(None, None, "文件为空")
            return
        self.headers = grid[0]
        self._match_header()
        bad_cells: dict[int, dict[int, str]] = {}
        unreadable = 0
        for line, index, message in problems:
            if index < 0:
                self.error(line, None, message)  # a record that could not be read at all
                unreadable += 1
            else:
                bad_cells.setdefault(line, {})[index] = message
        self.keys = [column.key for column in self.spec.columns]
        self.plan = [
            (index, column, self.headers[index], self.validators.get(column.key), {})
            for index, column in sorted(self.columns.items())
        ]
        for _index, column, _name, _validator, seen in self.plan:
            if not column.required:
                seen[""] = None  # a blank optional cell: no value, no error
        self.unnamed = [index for index, header in enumerate(self.headers) if not header]
        self.width = max(
            (index + 1 for index, header in enumerate(self.headers) if header), default=0
        )
        if not self.unnamed and self.width == len(self.headers):
            self.fast_width = self.width
        self.fast_keys = [column.key for _index, column, _name, _validator, _seen in self.plan]
        no_problems: dict[int, str] = {}
        parsed, rows, lines = self.parsed, self.result.rows, self.result.lines
        checks = self.spec.row_checks
        # The fast path's steps run in C (map over the columns' caches), not a Python loop per
        # cell. ``pick`` takes the cells of the columns read, in plan order; it is None when
        # every cell is one (the usual file), else a column not read (unknown, or a repeated
        # one) sits among them.
        indices = [index for index, _column, _name, _validator, _seen in self.plan]
        pick = None if indices == list(range(self.fast_width)) else _picker(indices)
        caches = [seen for _index, _column, _name, _validator, seen in self.plan]
        misses = [_MISS] * len(caches)
        blank_row = dict.fromkeys(self.keys)
        keys = self.fast_keys
        for line, cells in enumerate(islice(grid, 1, None), start=2):
            if not any(cells):
                continue
            if len(cells) == self.fast_width and line not in bad_cells:
                got = list(map(dict.get, caches, cells if pick is None else pick(cells), misses))
                if _MISS in got:  # a text not seen before (an ID number, a name): parse it here
                    got = self._parsed_misses(cells, got)
                if got is not None:
                    row = blank_row.copy()
                    row.update(zip(keys, got, strict=True))
                    for check in checks:
                        if check(row):
                            self._read_row(line, cells, no_problems)  # say what it found
                            break
                    else:
                        parsed.append((line, row))
                        rows.append(row)
                        lines.append(line)
                    continue
            self._read_row(line, cells, bad_cells.get(line, no_problems))
        if not self.parsed and not unreadable and not self.spec.empty_ok:
            self.error(1, None, "文件只有表头，没有数据行（导入此类数据时不能为空）")
        self._check_unique()

    def _parsed_misses(self, cells: list[str], got: list[object]) -> list[object] | None:
        """``got`` with each cell missing from its column's cache parsed, checked and cached;
        None as soon as one is blank or refused (the row then takes the full checks, which
        say why)."""
        for k, value in enumerate(got):
            if value is not _MISS:
                continue
            index, column, _name, validator, seen = self.plan[k]
            text = cells[index]
            if not text:
                return None
            try:
                parsed = column.parser(_plain(text, column))
            except CellError:
                return None
            if validator is not None and validator(parsed):
                return None
            got[k] = parsed
            if len(seen) < _CACHE_SIZE:
                seen[text] = parsed
        return got

    def _match_header(self) -> None:
        self.result.headers = {}
        by_name: dict[str, Column] = {}
        for column in self.spec.columns:
            for name in (column.key, *column.aliases):
                by_name[_fold(name)] = column
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            if not header:
                continue  # blank header cells: checked per row (data under them is an error)
            match = by_name.get(_fold(header))
            if match is None:
                known = "、".join(c.label for c in self.spec.columns)
                self.error(1, header, f"未知的列（可用的列：{known}）")
            elif match.key in seen:
                self.error(1, header, f"列重复：与「{seen[match.key]}」是同一列 {match.key}")
            else:
                seen[match.key] = header
                self.columns[index] = match
                self.result.headers[match.key] = header
        for column in self.spec.columns:
            if column.required and column.key not in seen:
                self.error(1, column.key, f"缺少必填列 {column.label}")

    def _read_row(self, line: int, cells: list[str], bad: dict[int, str]) -> None:
        row: Row = dict.fromkeys(self.keys)
        ok = True
        width = len(cells)
        for index, message in bad.items():
            ok = self._cell_error(line, self._name_at(index), message)
        if width < self.width:
            ok = self._cell_error(line, self._name_at(width), self._short_row(width))
        for index, column, name, validator, seen in self.plan:
            if index >= width:
                continue  # reported once above, as a short row
            value = cells[index]
            if not value:
                if column.required and index not in bad:
                    ok = self._cell_error(line, name, "必填，不能为空")
                continue
            if index in bad:
                continue
            known = seen.get(value)
            if known is not None:
                row[column.key] = known
                continue
            try:
                parsed = column.parser(_plain(value, column))
            except CellError as error:
                ok = self._cell_error(line, name, str(error))
                continue
            problem = validator(parsed) if validator else None
            if problem:
                ok = self._cell_error(line, name, problem)
            else:
                row[column.key] = parsed
                if len(seen) < _CACHE_SIZE:
                    seen[value] = parsed
        for index in self.unnamed:
            if index < width and cells[index] and index not in bad:
                ok = self._cell_error(line, f"第 {index + 1} 列", "该列没有表头，却有数据")
        if width > len(self.headers):
            for index in range(len(self.headers), width):
                if cells[index] and index not in bad:
                    ok = self._cell_error(line, f"第 {index + 1} 列", "该列没有表头，却有数据")
        # a row check reads the parsed row: a cell refused above would only make it complain twice
        for check in self.spec.row_checks if ok and width >= self.width else ():
            for key, message in check(row):
                ok = self._cell_error(line, self._header_of(key), message)
        self.parsed.append((line, row))
        if ok:
            self.result.rows.append(row)
            self.result.lines.append(line)

    def _short_row(self, width: int) -> str:
        missing = "、".join(f"「{h}」" for h in self.headers[width : self.width] if h)
        return (
            f"该行只有 {width} 个单元格，表头有 {self.width} 列：缺少 {missing}"
            "（可能少了逗号，或双引号没有配对）"
        )

    def _name_at(self, index: int) -> str:
        name = self.headers[index] if index < len(self.headers) else ""
        return name or f"第 {index + 1} 列"

    def _cell_error(self, line: int, column: str, message: str) -> bool:
        self.error(line, column, message)
        return False

    def _header_of(self, key: str) -> str:
        for index, column in self.columns.items():
            if column.key == key:
                return self.headers[index]
        return key

    def _check_unique(self) -> None:
        rows = [row for _line, row in self.parsed]
        for keys in self.spec.unique:
            first_seen: dict[tuple[str | None, ...], int] = {}
            pick = itemgetter(*keys) if len(keys) > 1 else (lambda row, key=keys[0]: (row[key],))
            values = list(map(itemgetter(*keys), rows))  # a tuple per row, or one cell
            if len(set(values)) == len(values):
                continue  # no value twice (most files): nothing to report
            for line, row in self.parsed:
                value = pick(row)
                if None in value:
                    continue
                where = first_seen.setdefault(value, line)
                if where != line:
                    shown = "、".join(str(part) for part in value)
                    self.error(
                        line,
                        self._header_of(keys[-1] if len(keys) > 1 else keys[0]),
                        f"{_names(self.spec, keys)} {shown} 重复（首次出现在第 {where} 行）",
                    )


def _picker(indices: list[int]) -> Callable[[list[str]], Sequence[str]]:
    """The cells at ``indices`` of a row, as a tuple (even for one index)."""
    if len(indices) < 2:  # itemgetter gives one cell alone, not a tuple; none, an error
        return lambda cells: tuple(cells[index] for index in indices)
    return itemgetter(*indices)


def _plain(value: str, column: Column) -> str:
    """The cell's text if every reader check passes; else CellError with what to fix."""
    if len(value) > column.max_length:
        raise CellError(f"内容过长：{len(value)} 个字符，最多 {column.max_length} 个")
    unseen = _UNSEEN.search(value)
    if unseen is None:
        return value
    if unseen.group() == "\x00":
        raise CellError("含有空字符（NUL），请删除后重新保存")
    raise CellError(f"含有不可见的控制字符（U+{ord(unseen.group()):04X}），请删除后重新保存")


def _names(spec: TableSpec, keys: tuple[str, ...]) -> str:
    return "+".join(spec.column(key).aliases[0] for key in keys)


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{count / 2**10:.1f}".removesuffix(".0") + " KB"


def _fold(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold().lstrip("\ufeff")
