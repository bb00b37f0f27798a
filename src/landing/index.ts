/**
 * The raw landing (always PostgreSQL): raw.kafka_messages, raw.consumer_offsets,
 * raw.topic_incarnations and raw.landing_rejects, their migrations and
 * statements (sql/landing/). Shared infrastructure, not a stage: the ingesters
 * write it, the STG loader reads it, the dashboard and the runner watch it,
 * and it imports none of them. The STG parse workers import `landed-copy.js`
 * directly: this index also loads `pg`, which a worker thread does not need.
 */
export { encodeFetched, LANDING_COLUMNS, type EncodedRows, type LandingStream } from './fetched-rows.js';
export type { OpenedIncarnation } from './incarnation-store.js';
export { LandedCopyCursor, landedRange } from './landed-copy.js';
export { openLandingPool, type LandingPoolOptions, type LandingQueryable } from './landing-client.js';
export { landedPartitions, landedTotal, type LandedPartitionRow } from './landing-probe.js';
export { LandingReader, partitionName, watermarkKey, type LandedChunk, type LandedPartition } from './landing-reader.js';
export { LandingStore, type LandingChunk, type LandingOutcome, type LandingStoreOptions, type LandingTransaction, type PartitionAdvance, type RejectSummary } from './landing-store.js';
export { migrateLanding } from './migrations.js';
export type { LandingReject, LandingRejectReason } from './rejects.js';
export type { IncarnationReason, TopicIncarnation } from './types.js';
