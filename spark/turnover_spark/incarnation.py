"""Which incarnation of the topic the job lands in, and the refusal to land in
one whose offsets no longer fit Kafka's log (docs/ingest.md, "When the offsets
no longer fit the log"; docs/spark.md).

The launcher (src/ingest/spark-offsets.ts) judges the landing's offsets
against Kafka's log before it starts the job — with the Node engine's own
code, so --on-offset-reset means the same for both engines — and hands the
job the incarnation it checked and Kafka's topic id. The job never opens an
incarnation: it only refuses (OffsetsDoNotFit, exit 9) when Kafka or the
landing disagree with that, at start and around every batch, and the
launcher then judges again (it stops, or opens the next incarnation and
starts the job again in it). Submitted by hand, without the launcher, the
job lands in the landing's current incarnation while Kafka's topic id is the
one recorded for it, and records the id the first time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

HOW_TO_GO_ON = "start it with `turnover ingest --engine spark --on-offset-reset=earliest|latest` (docs/ingest.md)"


class OffsetsDoNotFit(Exception):
    """The landing's offsets no longer fit Kafka's log: nothing of the batch was written (exit 9)."""


@dataclass(frozen=True)
class Incarnation:
    """The landing's current incarnation of the topic (raw.topic_incarnations)."""

    incarnation: int
    topic_id: Optional[str]
    reason: str


def refusal(
    topic: str,
    current: Incarnation,
    kafka_topic_id: Optional[str],
    expected_incarnation: Optional[int],
    expected_topic_id: Optional[str],
) -> Optional[str]:
    """Why the job must not land in the landing's current incarnation, or None when it may."""
    if kafka_topic_id is not None and current.topic_id is not None and kafka_topic_id != current.topic_id:
        return (
            f"topic {topic} was deleted and created again: Kafka's topic id is now {kafka_topic_id}, "
            f"the landing's incarnation {current.incarnation} of it has topic id {current.topic_id}"
        )
    if expected_incarnation is not None and current.incarnation != expected_incarnation:
        return f"the landing's current incarnation of {topic} is {current.incarnation}, not {expected_incarnation} as when the job was started: another ingester opened it"
    if expected_topic_id and kafka_topic_id is not None and kafka_topic_id != expected_topic_id:
        return f"topic {topic} was deleted and created again since the job was started: Kafka's topic id is now {kafka_topic_id}, was {expected_topic_id}"
    return None


def past_end(topic: str, incarnation: int, stored: Mapping[int, Optional[int]], bounds: Mapping[int, tuple[int, int]]) -> Optional[str]:
    """The Node engine's line for stored next offsets past the end of a partition's log (same topic id), or None."""
    parts = [
        f"partition {p} of {topic}: the landing's next offset {n} is past the end of Kafka's log ({bounds[p][1]})"
        for p, n in sorted(stored.items())
        if n is not None and p in bounds and n > bounds[p][1]
    ]
    if not parts:
        return None
    return f"{'; '.join(parts)}, under the same topic id (incarnation {incarnation}): the log was truncated (an unclean leader election), or the offsets were written ahead"


def not_fitting(reason: str, by_hand: bool) -> OffsetsDoNotFit:
    """The error the job stops with; the launcher judges again, by hand the operator is told how to go on."""
    tail = f"; {HOW_TO_GO_ON}" if by_hand else ""
    return OffsetsDoNotFit(f"{reason}. Nothing of the batch was written{tail}")


def enter_incarnation(store, admin, topic: str, expected_incarnation: Optional[int], expected_topic_id: Optional[str]):
    """At start: the landing's current incarnation, once Kafka's topic id is recorded for it (the
    first time) and nothing says the job must not land in it; returns it with the topic's state
    (id and partition bounds). Raises OffsetsDoNotFit otherwise."""
    by_hand = expected_incarnation is None
    for _ in range(3):
        state = admin.state()
        if state is None:
            raise not_fitting(f"topic {topic} does not exist", by_hand)
        current = store.current_incarnation(state.topic_id)
        if current is None or (current.topic_id is None and state.topic_id is not None):
            store.record_topic_id(None if current is None else current.incarnation, state.topic_id)
            continue
        reason = refusal(topic, current, state.topic_id, expected_incarnation, expected_topic_id)
        if reason is not None:
            raise not_fitting(reason, by_hand)
        return current, state
    raise not_fitting(f"the landing's incarnation of {topic} did not settle", by_hand)
