"""The parse cache: a text parsed once is not parsed again; the least recently used text
goes first when the cache is over its size in documents or in characters."""

from __future__ import annotations

from eksa_mirror.core.cache import TextCache


def _cache(size: int = 3, chars: int = 100) -> tuple[TextCache[str], list[str]]:
    parsed: list[str] = []

    def parse(text: str) -> str:
        parsed.append(text)
        return text.upper()

    return TextCache(parse, size=size, chars=chars), parsed


def test_a_text_is_parsed_once() -> None:
    cache, parsed = _cache()
    assert [cache.get(t) for t in ("a", "b", "a", "a")] == ["A", "B", "A", "A"]
    assert parsed == ["a", "b"]
    assert cache.misses == 2


def test_the_least_recently_used_text_goes_first() -> None:
    cache, parsed = _cache(size=2)
    cache.get("a")
    cache.get("b")
    cache.get("a")  # now "b" is the least recently used
    cache.get("c")  # over two documents: "b" goes
    cache.get("a")
    cache.get("b")
    assert parsed == ["a", "b", "c", "b"]
    assert cache.misses == 4


def test_the_characters_held_bound_the_cache() -> None:
    cache, parsed = _cache(size=100, chars=10)
    for text in ("aaaa", "bbbb", "aaaa", "cccc"):  # 12 characters: "bbbb" goes
        cache.get(text)
    cache.get("aaaa")
    cache.get("bbbb")
    assert parsed == ["aaaa", "bbbb", "cccc", "bbbb"]


def test_a_text_larger_than_the_bound_is_still_held_alone() -> None:
    cache, parsed = _cache(size=100, chars=3)
    cache.get("long text")
    cache.get("long text")
    assert parsed == ["long text"]


def test_a_cached_text_is_not_parsed_again_and_the_oldest_goes_first() -> None:
    parsed: list[str] = []

    def parse(text: str) -> str:
        parsed.append(text)
        return text.upper()

    cache = TextCache(parse, size=2, chars=10)
    assert [cache.get("a"), cache.get("b"), cache.get("a")] == ["A", "B", "A"]
    assert (parsed, cache.misses) == (["a", "b"], 2)
    cache.get("c")  # three texts: "b" (the least recently used) goes
    cache.get("a")
    cache.get("b")
    assert parsed == ["a", "b", "c", "b"]
    cache.get("0123456789")  # ten more characters: only this text stays
    cache.get("c")
    assert parsed == ["a", "b", "c", "b", "0123456789", "c"]
    cache.clear()
    assert cache.misses == 0
