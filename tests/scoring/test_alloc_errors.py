"""Every bad allocation input is refused with a clear English + Chinese message."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from alloc_helpers import flat_input, grouped_input

from scoring.allocation import (
    AllocationInput,
    AllocationInputError,
    FlatPreferences,
    GroupedPreferences,
    SchemeOrder,
    allocate,
    next_round_input,
)

GOOD = flat_input([[90], [80]], [[0, 1], [1]], [1, 1])
GROUPED = grouped_input([[90], [80]], [[(0, [0], True)], [(1, [2], False)]], [1, 1, 1], [0, 0, 1])


def _bad(inp: AllocationInput, match: str) -> None:
    with pytest.raises(AllocationInputError, match=match):
        allocate(inp)


def test_the_good_inputs_run() -> None:
    assert allocate(GOOD).line.tolist() == [0, 1]
    assert allocate(GROUPED).line.tolist() == [0, 2]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"candidate_no": np.array([1, 1])}, "考生号重复"),
        ({"candidate_no": np.array([1])}, "考生号数量"),
        ({"qualified": np.ones((2, 2), bool)}, "资格矩阵"),
        ({"line_scheme": np.array([0, 3])}, "计分方案"),
        ({"line_scheme": np.array([0])}, "计划行数量"),
        ({"free_seats": np.array([1, -1])}, "不能为负"),
        ({"ratio": Fraction(0)}, "投档比例"),
        ({"excluded": np.array([True])}, "排除名单"),
        ({"line_category": np.array([0, 1])}, "其他专业类别"),
        (
            {"preferences": FlatPreferences(np.array([0, 2, 3]), np.array([0, 5, 1]))},
            "不存在的计划",
        ),
        ({"preferences": FlatPreferences(np.array([0, 2, 4]), np.array([0, 1, 1]))}, "志愿数量"),
        ({"preferences": FlatPreferences(np.array([0, 2]), np.array([0, 1]))}, "志愿索引"),
        ({"preferences": FlatPreferences(np.array([0, 2, 1]), np.array([0]))}, "志愿索引"),
    ],
)
def test_bad_flat_input(changes: dict[str, object], match: str) -> None:
    _bad(dataclasses.replace(GOOD, **changes), match)  # type: ignore[arg-type]


def test_bad_scheme_shapes_and_policies() -> None:
    keys = np.zeros((3, 1), np.int64)
    _bad(dataclasses.replace(GOOD, schemes=(SchemeOrder(keys),)), "排序键矩阵")
    ok = np.zeros((2, 1), np.int64)
    _bad(dataclasses.replace(GOOD, schemes=(SchemeOrder(ok, choice_at=3),)), "志愿序号位置")
    _bad(dataclasses.replace(GOOD, schemes=(SchemeOrder(ok, ties="coin"),)), "未知的同分规则")  # type: ignore[arg-type]


def test_grouped_preferences_in_a_flat_batch_and_back() -> None:
    _bad(dataclasses.replace(GOOD, preferences=GROUPED.preferences), "专业组")
    _bad(dataclasses.replace(GROUPED, preferences=GOOD.preferences), "志愿却按专业填报")


def test_bad_grouped_input() -> None:
    _bad(dataclasses.replace(GROUPED, line_group=np.array([0, 0, -1])), "每条计划都需要专业组")
    _bad(dataclasses.replace(GROUPED, line_group=np.array([0, 0])), "专业组批次需要")
    _bad(dataclasses.replace(GROUPED, line_scheme=np.array([0, 1, 0]), qualified=np.ones((2, 2), bool),
                             schemes=GROUPED.schemes * 2), "同一专业组")  # fmt: skip
    p = GROUPED.preferences
    assert isinstance(p, GroupedPreferences)
    wrong_major = dataclasses.replace(p, majors=np.array([2, 2]))
    _bad(dataclasses.replace(GROUPED, preferences=wrong_major), "不属于该专业组")
    missing_major = dataclasses.replace(p, majors=np.array([0, 9]))
    _bad(dataclasses.replace(GROUPED, preferences=missing_major), "所填专业不存在")
    unknown_group = dataclasses.replace(p, groups=np.array([0, 4]))
    _bad(dataclasses.replace(GROUPED, preferences=unknown_group), "不存在的专业组")
    short_adjust = dataclasses.replace(p, adjust=np.array([True]))
    _bad(dataclasses.replace(GROUPED, preferences=short_adjust), "长度不一致")
    short_majors = dataclasses.replace(p, major_ptr=np.array([0, 1]))
    _bad(dataclasses.replace(GROUPED, preferences=short_majors), "专业志愿数组")


def test_sd_is_refused_when_lines_rank_differently() -> None:
    two = (SchemeOrder(np.array([[1], [2]], np.int64)), SchemeOrder(np.array([[2], [1]], np.int64)))
    inp = dataclasses.replace(
        GOOD, schemes=two, line_scheme=np.array([0, 1]), qualified=np.ones((2, 2), bool)
    )
    with pytest.raises(ValueError, match="serial dictatorship"):
        allocate(inp, method="sd")
    assert allocate(inp).line.tolist() == allocate(inp, method="da").line.tolist()


def test_next_round_refuses_inconsistent_decisions() -> None:
    result = allocate(GOOD)
    with pytest.raises(AllocationInputError, match="录取名单长度"):
        next_round_input(GOOD, result, np.array([True]))
    lost = flat_input([[90], [80]], [[0], [0]], [1, 1])
    with pytest.raises(AllocationInputError, match="没有投档专业"):
        next_round_input(lost, allocate(lost), np.array([True, True]))
