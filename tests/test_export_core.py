"""What every export shares (publishing/exports/core.py)."""

from __future__ import annotations

import pytest

from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.publishing.exports.core import json_array


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_json_array_streamed_is_the_list_serialised_whole(count: int) -> None:
    items = [{"n": n, "nested": {"list": [n, "a\nb"], "empty": {}}} for n in range(count)]
    streamed = b"".join(json_array(dumps_bytes(item) for item in items))
    assert streamed == dumps_bytes(items)
