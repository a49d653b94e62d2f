"""Where a rules-file problem is, and what it is, in Chinese.

:func:`toml_problem` turns the TOML decoder's error (English, ``Invalid value (at line 5,
column 8)``) into a Chinese message with its line and column; :func:`locate` finds the line (and
the column of the value) of a key the validator names, such as ``schemes.standard.formula`` or
``batches[0].lines.IT[1]``, so every problem can point at its line. Pure functions over text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["locate", "toml_problem", "unknown_type_name"]

_TYPE_NAME = re.compile(r"(?<![A-Za-z0-9_])type_[A-Za-z0-9_]*")


def unknown_type_name(
    source: str, names: set[str], types: dict[str, str]
) -> tuple[str, int] | None:
    """The first ``type_…`` name of an expression that is not allowed, as (message, 1-based
    column), naming the candidate types' indicators that exist; None when there is none."""
    for m in _TYPE_NAME.finditer(source):
        if m.group() in types and m.group() not in names:
            return f"考生类型“{m.group()}”（{types[m.group()]}）不能用于此处", m.start() + 1
        if m.group() not in names:
            known = "、".join(f"{k}（{v}）" for k, v in types.items())
            return f"未知的考生类型“{m.group()}”，可用：{known}", m.start() + 1
    return None


_AT = re.compile(
    r"^(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$", re.S
)


def _key(match: re.Match[str]) -> str:
    """A key the decoder prints as a tuple, ``('schemes', 'standard')``, as ``schemes.standard``."""
    return ".".join(re.findall(r"'([^']*)'", match.group(1))) or match.group(1)


# (pattern of the decoder's message, Chinese message) — the decoder's every message (Python 3.11).
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"^Invalid statement$", lambda m: "无法识别的内容（每行应为 键 = 值，或 [表名]）"),
        (r"^Expected '=' after a key in a key/value pair$", lambda m: "键名后缺少“=”"),
        (r"^Expected newline or end of document after a statement$",
         lambda m: "值的后面还有多余的内容（一行只写一个 键 = 值；文字请加引号）"),
        (r"^Expected '\]' at the end of a table declaration$", lambda m: "表头末尾缺少“]”"),
        (r"^Expected '\]\]' at the end of an array declaration$", lambda m: "表数组的表头末尾缺少“]]”"),
        (r"^Expected '(.+)'$", lambda m: f"缺少“{m.group(1)}”"),
        (r"^Found invalid character '(.+)'$", lambda m: f"不允许的字符“{m.group(1)}”"),
        (r"^Cannot declare (.+) twice$", lambda m: f"“{_key(m)}”重复声明"),
        (r"^Cannot overwrite a value$", lambda m: "同一个键设置了两次"),
        (r"^Cannot mutate immutable namespace (.+)$", lambda m: f"不能再向“{_key(m)}”添加内容"),
        (r"^Cannot redefine namespace (.+)$", lambda m: f"不能重新定义“{_key(m)}”"),
        (r"^Invalid initial character for a key part$",
         lambda m: "键名的开头字符不合法（键名用字母、数字、下划线，或加引号）"),
        (r"^Unclosed array$", lambda m: "数组缺少结尾的“]”"),
        (r"^Duplicate inline table key '(.+)'$", lambda m: f"行内表中的键“{m.group(1)}”重复"),
        (r"^Unclosed inline table$", lambda m: "行内表缺少结尾的“}”"),
        (r"^Unescaped '\\\\' in a string$", lambda m: "字符串中的“\\”须写成“\\\\”"),
        (r"^Invalid hex value$", lambda m: "转义的十六进制值不合法"),
        (r"^Escaped character is not a Unicode scalar value$", lambda m: "转义字符不是合法的字符"),
        (r"^Unterminated string$", lambda m: "字符串缺少结尾的引号"),
        (r"^Illegal character '\\n'$", lambda m: "字符串缺少结尾的引号（字符串须在同一行内结束）"),
        (r"^Illegal character (.+)$", lambda m: f"字符串中不允许的控制字符 {m.group(1)}"),
        (r"^Invalid date or datetime$", lambda m: "日期或时间的格式不正确"),
        (r"^Invalid value$", lambda m: "值的格式不正确（文字请加引号，数字不加引号）"),
    )
)  # fmt: skip


def toml_problem(error: str, text: str) -> tuple[str, int, int]:
    """(Chinese message, line, column) of the TOML decoder's ``error`` on ``text``; an error at
    the end of the document points after its last character."""
    found = _AT.match(error)
    message = found.group("message") if found else error
    if found and found.group("line"):
        line, column = int(found.group("line")), int(found.group("column"))
    else:
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    for pattern, words in _MESSAGES:
        matched = pattern.match(message)
        if matched:
            return f"TOML 格式错误：{words(matched)}", line, column
    return f"TOML 格式错误：{message}", line, column


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-.* ]+?))\s*=\s*""")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', dotted)]


def _index(text: str) -> dict[str, tuple[int, int]]:
    """Every table header and key of the text → (line, column where its value starts)."""
    found: dict[str, tuple[int, int]] = {}
    arrays: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            parts = _parts(header.group(2))
            path = ".".join(parts)
            if header.group(1) == "[[":
                arrays[path] = arrays.get(path, -1) + 1
                table = f"{path}[{arrays[path]}]"
            else:
                table = _under_array(path, arrays)
            found.setdefault(table, (number, 1))
            continue
        assign = _ASSIGN.match(line)
        if assign and not line.lstrip().startswith("#"):
            key = ".".join(_parts(assign.group(1)))
            found.setdefault(f"{table}.{key}" if table else key, (number, assign.end() + 1))
    return found


def _under_array(path: str, arrays: dict[str, int]) -> str:
    """``batches.lines`` after a ``[[batches]]`` header is ``batches[i].lines``."""
    for name, index in sorted(arrays.items(), key=lambda item: -len(item[0])):
        if path.startswith(name + "."):
            return f"{name}[{index}]{path[len(name) :]}"
    return path


def locate(text: str, key: str, column: int | None = None) -> tuple[int, int | None] | None:
    """(line, column) in ``text`` of the validator's ``key`` (a parent's line when the key
    itself is absent); with ``column`` (1-based inside an expression) the column in the line of
    that expression's character. None when nothing of the key is in the text."""
    index = _index(text)
    element = re.search(r"\[(\d+)\]$", key)
    path = key[: element.start()] if element else key
    while path and path not in index:
        path = path.rsplit(".", 1)[0] if "." in path else ""
    if not path:
        return None
    line, start = index[path]
    if path != (key[: element.start()] if element else key):
        return line, None  # a parent table or key: its line
    if column is None:
        return line, start
    strings = _strings_from(text, line, start)
    nth = int(element.group(1)) if element else 0
    if nth >= len(strings):
        return line, None
    at_line, at_column = strings[nth]
    return at_line, at_column + column  # the opening quote, then the expression's column


def _strings_from(text: str, line: int, start: int) -> list[tuple[int, int]]:
    """The string literals of a value that starts at (line, start), up to 50 lines on."""
    lines = text.split("\n")
    out: list[tuple[int, int]] = []
    for number in range(line, min(line + 50, len(lines) + 1)):
        body = lines[number - 1]
        if number > line and (_ASSIGN.match(body) or _HEADER.match(body)):
            break
        offset = start - 1 if number == line else 0
        out += [(number, m.start() + 1) for m in _STRING.finditer(body, offset)]
        if number == line and not body[offset:].lstrip().startswith("["):
            break  # a single string, not an array
        if "]" in _STRING.sub("", body[offset:]):
            break
    return out
