"""``probe.pull.HeadFirst``: HEAD first while the mirror serves the bundle's own digests,
GET alone once other digests outnumber them (a mirror filled by ``import images``)."""

from __future__ import annotations

import pytest

from eksa_mirror.probe.pull import HeadFirst, _delay


@pytest.mark.parametrize(
    ("answers", "first"),
    [
        ([True] * 20, True),
        ([False] * 7, True),  # too few to judge
        ([False] * 8, False),
        ([True] * 8 + [False] * 8, True),  # as many matches: keep asking with a HEAD
        ([True] * 8 + [False] * 9, False),
    ],
)
def test_head_first_until_other_digests_outnumber_the_matches(
    answers: list[bool], first: bool
) -> None:
    heads = HeadFirst()
    for matched in answers:
        heads.count(matched)
    assert heads.first is first


def test_backoff_and_retry_after() -> None:
    assert _delay(0, "3") == 3.0
    assert _delay(0, " 60 ") == 10.0  # at most MAX_RETRY_AFTER
    assert 0.25 <= _delay(0, "") <= 0.3125
    assert 1.0 <= _delay(2, "Wed, 21 Oct 2015 07:28:00 GMT") <= 1.25
