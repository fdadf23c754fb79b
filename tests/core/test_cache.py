"""``cache.TextCache``: a text is parsed once while it is cached; the oldest text goes first
when the cache holds too many texts or too many characters."""

from __future__ import annotations

from eksa_mirror.core.cache import TextCache


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
