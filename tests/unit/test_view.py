"""The current view: a record with its corrections' JSON Patches applied in order."""

from __future__ import annotations

from synthledger.deriving.view import apply_in_order

RECORD = {"title": "Old", "abstract": "A.", "claims": {"items": [{"id": "c1", "text": "x"}]}}


def test_patches_apply_in_order_and_the_last_to_touch_a_field_is_its_origin() -> None:
    view = apply_in_order(
        RECORD,
        [
            ("k1", [{"op": "replace", "path": "/title", "value": "Newer"}]),
            ("k2", [{"op": "replace", "path": "/title", "value": "Newest"}]),
        ],
    )

    assert view.data["title"] == "Newest"
    assert view.origins == {"/title": "k2"}
    assert view.skipped == ()
    assert RECORD["title"] == "Old"  # the record itself is never changed


def test_a_test_operation_is_not_an_amendment() -> None:
    view = apply_in_order(
        RECORD,
        [
            (
                "k1",
                [
                    {"op": "test", "path": "/abstract", "value": "A."},
                    {"op": "replace", "path": "/claims/items/0/text", "value": "y"},
                ],
            )
        ],
    )

    assert view.origins == {"/claims/items/0/text": "k1"}


def test_a_patch_that_does_not_apply_is_skipped_and_named() -> None:
    view = apply_in_order(
        RECORD,
        [
            ("k1", [{"op": "replace", "path": "/missing", "value": 1}]),
            ("k2", [{"op": "replace", "path": "/abstract", "value": "B."}]),
        ],
    )

    assert view.data["abstract"] == "B."
    assert [cid for cid, _ in view.skipped] == ["k1"]
    assert "missing" in str(view.skipped[0][1])
    assert view.origins == {"/abstract": "k2"}
