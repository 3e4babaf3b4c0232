"""Publication dates: placeholders written by content systems are not dates."""

from __future__ import annotations

import pytest

from pagewash.extraction.metadata import _first_date


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("0001-01-01", "2020-03-30"), "2020-03-30"),
        (("1970-01-01T00:00:00Z",), None),
        (("2019-02-30",), None),
        ((None, "2021-5-4"), "2021-05-04"),
        (("Spring 2019",), "Spring 2019"),
        (("9999-12-31",), None),
    ],
)
def test_first_plausible_date(values: tuple[str | None, ...], expected: str | None) -> None:
    assert _first_date(*values) == expected
