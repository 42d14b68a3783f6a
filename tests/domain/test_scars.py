"""Scar scores: Goodman & Baron quantitative per row, ECCA, zone sums, bands and errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.scars import (
    Scores,
    parse_assessment,
    scar_counts_json,
    score,
    zone_scores,
)

GB_ROWS = [
    "macular",
    "mild_atrophic",
    "moderate_atrophic",
    "shallow_broad_atrophic",
    "deep_punched_out_normal_base",
    "deep_punched_out_abnormal_base",
    "linear_troughed",
    "deep_broad_atrophic",
    "papular",
]
ECCA_ITEMS = [
    "icepick",
    "boxcar",
    "rolling",
    "superficial_elastolysis",
    "hypertrophic_recent",
    "keloid_old",
]


def _score(knowledge: Knowledge, data: dict[str, Any]) -> Scores:
    return score(parse_assessment(data, knowledge), knowledge)


def _gb(knowledge: Knowledge, row: str, count: int) -> int:
    result = _score(
        knowledge, {"qualitative_grade": 2, "goodman_baron": {"counts": {row: count}}}
    ).goodman_baron
    assert result is not None
    return result.rows[row]


def _hypertrophic(knowledge: Knowledge, area: float) -> int:
    data = {"qualitative_grade": 3, "goodman_baron": {"hypertrophic_area_cm2": area}}
    result = _score(knowledge, data).goodman_baron
    assert result is not None
    return result.rows["hypertrophic"]


@pytest.mark.parametrize(
    ("count", "multiplier"), [(0, 0), (1, 1), (10, 1), (11, 2), (20, 2), (21, 3), (500, 3)]
)
def test_goodman_baron_count_multiplier(knowledge: Knowledge, count: int, multiplier: int) -> None:
    assert _gb(knowledge, "macular", count) == 1 * multiplier
    assert _gb(knowledge, "moderate_atrophic", count) == 2 * multiplier
    assert _gb(knowledge, "deep_broad_atrophic", count) == 3 * multiplier
    assert _gb(knowledge, "papular", count) == 2 * multiplier


@pytest.mark.parametrize(
    ("area", "points"), [(0, 0), (0.5, 6), (4.99, 6), (5, 12), (20, 12), (20.01, 18), (90, 18)]
)
def test_goodman_baron_hypertrophic_area(knowledge: Knowledge, area: float, points: int) -> None:
    assert _hypertrophic(knowledge, area) == points


def test_goodman_baron_shows_every_row_and_sums_them(knowledge: Knowledge) -> None:
    data = {
        "qualitative_grade": 3,
        "goodman_baron": {
            "counts": {"mild_atrophic": 12, "deep_punched_out_normal_base": 3},
            "hypertrophic_area_cm2": 2,
        },
    }
    result = _score(knowledge, data).goodman_baron
    assert result is not None
    assert list(result.rows) == [*GB_ROWS, "hypertrophic"]
    assert result.rows["mild_atrophic"] == 2
    assert result.rows["deep_punched_out_normal_base"] == 3
    assert result.rows["hypertrophic"] == 6
    assert result.score == 11
    assert result.max_score == 78
    assert result.sources == ("goodman-baron-2006-quantitative",)


@pytest.mark.parametrize(("count", "band"), [(0, 0), (1, 1), (4, 1), (5, 2), (20, 2), (21, 3)])
def test_ecca_weight_times_count_score(knowledge: Knowledge, count: int, band: int) -> None:
    data = {"qualitative_grade": 2, "ecca": {"counts": {"boxcar": count, "keloid_old": count}}}
    result = _score(knowledge, data).ecca
    assert result is not None
    assert result.items["boxcar"] == 20 * band
    assert result.items["keloid_old"] == 50 * band
    assert result.score == 70 * band
    assert list(result.items) == ECCA_ITEMS
    assert result.max_score == 540


def test_zone_counts_are_summed_before_scoring(knowledge: Knowledge) -> None:
    per_zone = {
        "qualitative_grade": 2,
        "zones": {
            "left_cheek": {"goodman_baron": {"counts": {"mild_atrophic": 6}}},
            "right_cheek": {
                "goodman_baron": {"counts": {"mild_atrophic": 6}, "hypertrophic_area_cm2": 3},
                "ecca": {"counts": {"rolling": 3}},
            },
            "chin": {"ecca": {"counts": {"rolling": 3}}},
        },
    }
    result = _score(knowledge, per_zone)
    assert result.goodman_baron is not None
    assert result.ecca is not None
    assert result.goodman_baron.rows["mild_atrophic"] == 2  # 12 lesions, not 2 x (6 lesions)
    assert result.goodman_baron.rows["hypertrophic"] == 6
    assert result.ecca.items["rolling"] == 25 * 2  # 6 scars: 5 to 20
    assert result.qualitative_grade == 2


def test_each_zone_scores_on_its_own_counts(knowledge: Knowledge) -> None:
    counted = parse_assessment(
        {
            "qualitative_grade": 3,
            "zones": {
                "left_cheek": {"ecca": {"counts": {"rolling": 3}}},
                "chin": {"ecca": {"counts": {"rolling": 3}}, "goodman_baron": {}},
            },
        },
        knowledge,
    )
    zones = zone_scores(counted, knowledge)
    assert set(zones) == {"left_cheek", "chin"}
    for scores in zones.values():
        assert scores.ecca is not None
        assert scores.ecca.items["rolling"] == 25 * 1
        assert scores.qualitative_grade == 3
    assert zones["left_cheek"].goodman_baron is None  # not counted there
    whole = score(counted, knowledge).ecca
    assert whole is not None
    assert whole.items["rolling"] == 25 * 2


def test_a_scale_not_assessed_is_null_not_zero(knowledge: Knowledge) -> None:
    result = _score(knowledge, {"qualitative_grade": 1, "ecca": {"counts": {}}})
    assert result.goodman_baron is None
    assert result.ecca is not None
    assert result.ecca.score == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"goodman_baron": {}}, "^qualitative_grade: is required$"),
        (
            {"qualitative_grade": 5, "ecca": {}},
            "^qualitative_grade: must be an integer from 1 to 4$",
        ),
        ({"qualitative_grade": 2}, "^input: give goodman_baron or ecca counts"),
        (
            {"qualitative_grade": 2, "ecca": {}, "zones": {}},
            "^input: give goodman_baron or ecca counts",
        ),
        (
            {"qualitative_grade": 2, "goodman_baron": {"counts": {"icepick": 1}}},
            r"^goodman_baron\.counts\.icepick: unknown field",
        ),
        (
            {"qualitative_grade": 2, "ecca": {"counts": {"boxcar": -1}}},
            r"^ecca\.counts\.boxcar: must be an integer from 0",
        ),
        (
            {"qualitative_grade": 2, "ecca": {"hypertrophic_area_cm2": 3}},
            r"^ecca\.hypertrophic_area_cm2: unknown field",
        ),
        (
            {"qualitative_grade": 2, "goodman_baron": {"hypertrophic_area_cm2": "big"}},
            r"^goodman_baron\.hypertrophic_area_cm2: must be a number",
        ),
        (
            {"qualitative_grade": 2, "zones": {"elbow": {}}},
            r"^zones\.elbow: unknown field",
        ),
        (
            {"qualitative_grade": 2, "zones": {"chin": {"ecca": {"counts": {"rolling": 1.5}}}}},
            r"^zones\.chin\.ecca\.counts\.rolling: must be an integer",
        ),
    ],
)
def test_invalid_assessments_name_the_field(
    knowledge: Knowledge, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_assessment(data, knowledge)


_counts = st.dictionaries(st.sampled_from(GB_ROWS), st.integers(0, 60), max_size=len(GB_ROWS))


@settings(max_examples=60, deadline=None)
@given(counts=_counts, area=st.floats(0, 100), row=st.sampled_from(GB_ROWS))
def test_score_is_the_sum_of_rows_and_never_falls_with_more_scars(
    knowledge: Knowledge, counts: dict[str, int], area: float, row: str
) -> None:
    def total(lesions: dict[str, int]) -> int:
        data = {
            "qualitative_grade": 3,
            "goodman_baron": {"counts": lesions, "hypertrophic_area_cm2": area},
        }
        result = _score(knowledge, data).goodman_baron
        assert result is not None
        assert result.score == sum(result.rows.values())
        assert 0 <= result.score <= result.max_score
        return result.score

    more = {**counts, row: counts.get(row, 0) + 1}
    assert total(more) >= total(counts)


@settings(max_examples=40, deadline=None)
@given(left=_counts, right=_counts)
def test_splitting_counts_across_zones_scores_like_the_whole_face(
    knowledge: Knowledge, left: dict[str, int], right: dict[str, int]
) -> None:
    whole = {row: left.get(row, 0) + right.get(row, 0) for row in GB_ROWS}
    zones = {
        "left_cheek": {"goodman_baron": {"counts": left}},
        "right_cheek": {"goodman_baron": {"counts": right}},
    }
    by_zone = _score(knowledge, {"qualitative_grade": 2, "zones": zones})
    by_face = _score(knowledge, {"qualitative_grade": 2, "goodman_baron": {"counts": whole}})
    assert by_zone == by_face


DEEP = [
    "deep_punched_out_normal_base",
    "deep_punched_out_abnormal_base",
    "linear_troughed",
    "deep_broad_atrophic",
]


def _warning_codes(knowledge: Knowledge, grade: int, **scales: dict[str, int]) -> list[str]:
    data: dict[str, Any] = {"qualitative_grade": grade}
    data.update({scale: {"counts": counts} for scale, counts in scales.items()})
    return [warning.code for warning in _score(knowledge, data).warnings]


@pytest.mark.parametrize(
    ("grade", "counts", "warned"),
    [
        (1, {"macular": 30}, False),
        (1, {"macular": 3, "deep_punched_out_normal_base": 25}, True),
        (1, {"mild_atrophic": 1}, True),
        (2, {"deep_broad_atrophic": 20}, False),
        (2, {"deep_broad_atrophic": 11, "linear_troughed": 10}, True),
        (3, {"macular": 12}, True),
        (3, {"moderate_atrophic": 1}, False),
        (4, {"mild_atrophic": 2}, True),
        (4, {"mild_atrophic": 4}, True),
        (4, {"mild_atrophic": 5}, False),
        (4, {"mild_atrophic": 2, "deep_punched_out_abnormal_base": 1}, False),
        (4, {"macular": 2}, True),
    ],
)
def test_a_grade_contradicting_the_goodman_baron_counts_warns(
    knowledge: Knowledge, grade: int, counts: dict[str, int], warned: bool
) -> None:
    codes = _warning_codes(knowledge, grade, goodman_baron=counts)
    assert codes == (["grade_counts_mismatch"] if warned else [])


@pytest.mark.parametrize(
    ("grade", "counts", "warned"),
    [(1, {"boxcar": 1}, True), (1, {}, False), (3, {}, True), (4, {"icepick": 9}, False)],
)
def test_a_grade_contradicting_the_ecca_counts_warns(
    knowledge: Knowledge, grade: int, counts: dict[str, int], warned: bool
) -> None:
    assert bool(_warning_codes(knowledge, grade, ecca=counts)) is warned


def test_a_warning_names_its_basis_and_is_given_once(knowledge: Knowledge) -> None:
    data = {
        "qualitative_grade": 1,
        "zones": {
            "left_cheek": {"goodman_baron": {"counts": {"deep_broad_atrophic": 20}}},
            "chin": {"goodman_baron": {"counts": {"deep_broad_atrophic": 5}}},
            "nose": {"ecca": {"counts": {"icepick": 4}}},
        },
    }
    [warning] = _score(knowledge, data).warnings  # both scales warn with the same text
    assert warning.code == "grade_counts_mismatch"
    assert "Grade 1" in warning.text
    assert "goodman-baron-2006-qualitative" in warning.sources


def test_an_uncounted_scale_never_warns(knowledge: Knowledge) -> None:
    assert _warning_codes(knowledge, 3, goodman_baron={"moderate_atrophic": 3}) == []
    assert _warning_codes(knowledge, 4, goodman_baron={"mild_atrophic": 2}, ecca={"icepick": 30})


@pytest.mark.parametrize(("grade", "warned"), [(1, True), (3, False), (4, False)])
def test_a_hypertrophic_area_counts_as_raised_scarring(
    knowledge: Knowledge, grade: int, warned: bool
) -> None:
    data = {"qualitative_grade": grade, "goodman_baron": {"hypertrophic_area_cm2": 0.5}}
    assert bool(_score(knowledge, data).warnings) is warned


@settings(max_examples=60, deadline=None)
@given(counts=_counts, grades=st.lists(st.integers(1, 4), min_size=2, max_size=2))
def test_warnings_never_change_the_scores(
    knowledge: Knowledge, counts: dict[str, int], grades: list[int]
) -> None:
    first, second = (
        _score(knowledge, {"qualitative_grade": g, "goodman_baron": {"counts": counts}})
        for g in grades
    )
    assert first.goodman_baron == second.goodman_baron
    assert first.ecca is second.ecca is None
    for result in (first, second):
        assert all(w.sources and w.text for w in result.warnings)


def test_counts_are_written_back_as_they_are_read(knowledge: Knowledge) -> None:
    zone = {
        "goodman_baron": {"counts": {"macular": 2}, "hypertrophic_area_cm2": 4.5},
        "ecca": {"counts": {"boxcar": 3}},
    }
    data = {"qualitative_grade": 2, "zones": {"chin": zone, "forehead": {"ecca": {}}}}
    assessment = parse_assessment(data, knowledge)
    written = {z: scar_counts_json(c, knowledge) for z, c in assessment.zones.items()}
    assert written == data["zones"]
    assert parse_assessment({"qualitative_grade": 2, "zones": written}, knowledge) == assessment
