from __future__ import annotations

import platform

import pytest

from app.serving import allocator


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_gives_freed_memory_back() -> None:
    blocks = [bytearray(100_000) for _ in range(200)]  # 20 MB of heap, then holes
    del blocks[::2]
    assert allocator.release_free_memory() is True


def test_other_c_libraries_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    allocator._glibc.cache_clear()
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("", ""))
    try:
        assert allocator.release_free_memory() is False
    finally:
        allocator._glibc.cache_clear()
