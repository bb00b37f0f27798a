"""The exactly-once rule of one micro-batch, as a pure function (docs/spark.md).

A micro-batch covers, per Kafka partition, the offsets [start, end) that
Spark planned for it (`end` from the batch's offset log entry, `start` from
the previous batch's `end`). PostgreSQL holds the group's next offset `n` per
partition (raw.consumer_offsets, the same rows as the Node engine). Inside the
landing transaction, per partition:

    n is absent      nothing landed yet: land every row, create n = end
    n >= end         already landed (by us before a crash, or by another
                     engine): land nothing, leave n alone
    start <= n < end land the rows with offset >= n, move n -> end
    n < start        a gap: offsets n .. start-1 would never land. Refuse.

`start` is None for a partition Spark discovered after the query started (it
reads those from the earliest offset, so there is no gap to check).
The offsets move with the fenced update of sql/landing/advance_offsets.sql
(from exactly the n read in this transaction), so a concurrent writer that
moved n first makes the transaction roll back and be planned again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional


class GapError(Exception):
    """PostgreSQL's next offset is behind the batch: landing it would lose records."""


@dataclass(frozen=True)
class PartitionPlan:
    partition: int
    # PostgreSQL's next offset now (None = no row yet): the fence's expected value.
    expected: Optional[int]
    # The next offset after this batch.
    next: int
    # Land the batch's rows of this partition from this offset on (None = all of them).
    land_from: Optional[int]


def plan_batch(
    ranges: Mapping[int, tuple[Optional[int], int]],
    landed: Mapping[int, Optional[int]],
) -> list[PartitionPlan]:
    """Plans for the partitions that move; partitions already landed are left out."""
    plans = []
    for partition, (start, end) in sorted(ranges.items()):
        n = landed.get(partition)
        if start is not None and end <= start:
            continue  # nothing new in this partition
        if n is None:
            plans.append(PartitionPlan(partition, None, end, None))
        elif n >= end:
            continue
        elif start is None or n >= start:
            plans.append(PartitionPlan(partition, n, end, None if start is not None and n == start else n))
        else:
            raise GapError(
                f"partition {partition}: PostgreSQL's next offset {n} is behind this batch's first offset {start} "
                f"(offsets {n}..{start - 1} would be lost; were the offsets in raw.consumer_offsets moved back?)"
            )
    return plans


def needs_filter(plans: list[PartitionPlan], ranges: Mapping[int, tuple[Optional[int], int]]) -> bool:
    """True when some rows of the batch must not land (a partition skipped or trimmed)."""
    planned = {p.partition for p in plans}
    moving = {p for p, (start, end) in ranges.items() if start is None or end > start}
    return planned != moving or any(p.land_from is not None for p in plans)
