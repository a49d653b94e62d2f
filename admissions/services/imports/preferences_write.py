"""Writing the checked lists of a preferences import: one new version per list, its items and
majors, one ``preferences.import`` audit event per list; bulk writes (COPY on PostgreSQL).

The items go as plain tuples (no dict per item: 650,000 of them at 100,000 candidates); on
PostgreSQL a large batch of audit events is built by the database from arrays of the lists' ids,
batches, rounds and choice counts (sent in binary: half the time of the text form), in the lists'
order, instead of one JSON text per event in Python. Measured by benchmarks/bench_imports.py.
"""

from __future__ import annotations

from typing import Any

from admissions.extensions import db
from admissions.models import (
    AuditEvent,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
    PreferenceStatus,
    utcnow,
)
from admissions.services import audit
from admissions.services.imports.bulk import (
    COPY_THRESHOLD,
    insert_rows,
    insert_rows_returning_ids,
    insert_tuples,
)
from admissions.services.imports.context import ImportContext

ListKey = tuple[int, int, int]  # candidate id, batch id, round
Item = tuple[int, int | None, int | None, str | None, bool, tuple[int, ...]]
_ITEM_COLUMNS = ("list_id", "position", "plan_line_id", "institution_id", "group_code", "adjust")

_AUDIT = """
INSERT INTO audit_event (at, actor_id, action, object_type, object_id, exam_id, before, after,
                         reason, ip)
SELECT %(at)s, %(actor_id)s, %(action)s, %(object_type)s, u.list_id, %(exam_id)s, NULL,
       json_build_object('batch_id', u.batch_id, 'round', u.round, 'choices', u.choices),
       %(reason)s, %(ip)s
FROM unnest(%(list_ids)b::integer[], %(batch_ids)b::integer[], %(rounds)b::integer[],
            %(choices)b::integer[]) WITH ORDINALITY AS u(list_id, batch_id, round, choices, k)
ORDER BY u.k
"""


def write_lists(
    context: ImportContext, changed: dict[ListKey, list[Item]], versions: dict[ListKey, int]
) -> None:
    """One new list version per key, its items and majors, one audit event each: bulk writes."""
    if not changed:
        return
    keys = list(changed)
    now = utcnow()
    list_ids = insert_rows_returning_ids(
        PreferenceList.__table__,
        [
            {"candidate_id": c, "batch_id": b, "round_number": r, "version": versions[(c, b, r)],
             "status": PreferenceStatus.SUBMITTED.value, "created_at": now, "submitted_at": now}
            for c, b, r in keys
        ],
    )  # fmt: skip
    items = [
        (list_id, position, line_id, institution_id, group, adjust)
        for list_id, key in zip(list_ids, keys, strict=True)
        for position, line_id, institution_id, group, adjust, _majors in changed[key]
    ]
    majors = [item[5] for key in keys for item in changed[key]]
    if any(majors):
        item_ids = insert_rows_returning_ids(
            PreferenceItem.__table__, [dict(zip(_ITEM_COLUMNS, i, strict=True)) for i in items]
        )
        insert_rows(
            PreferenceMajor.__table__,
            [
                {"item_id": item_id, "position": index, "plan_line_id": line_id}
                for item_id, listed in zip(item_ids, majors, strict=True)
                for index, line_id in enumerate(listed, start=1)
            ],
        )
    else:
        insert_tuples(PreferenceItem.__table__, _ITEM_COLUMNS, items)
    _audit(context, changed, keys, list_ids, now)


def _audit(
    context: ImportContext,
    changed: dict[ListKey, list[Item]],
    keys: list[ListKey],
    list_ids: list[int],
    now: Any,
) -> None:
    event = audit.event_row(
        context.actor, "preferences.import", "preference_list", None,
        reason=f"import {context.filename}", exam_id=context.exam.id, at=now,
    )  # fmt: skip
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and len(keys) >= COPY_THRESHOLD:
        arrays = {
            "list_ids": list_ids,
            "batch_ids": [b for _c, b, _r in keys],
            "rounds": [r for _c, _b, r in keys],
            "choices": [len(changed[key]) for key in keys],
        }
        connection.exec_driver_sql(_AUDIT, {**event, **arrays})
        return
    insert_rows(
        AuditEvent.__table__,
        [
            {**event, "object_id": list_id,
             "after": {"batch_id": b, "round": r, "choices": len(changed[(c, b, r)])}}
            for list_id, (c, b, r) in zip(list_ids, keys, strict=True)
        ],
    )  # fmt: skip
