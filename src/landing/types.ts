/** Why raw.topic_incarnations holds an incarnation of a topic (its reason column). */
export type IncarnationReason = 'first_seen' | 'before_topic_ids' | 'topic_recreated' | 'log_truncated';

/** The landing's current incarnation of a topic (raw.topic_incarnations). */
export interface TopicIncarnation {
  readonly incarnation: number;
  /** Kafka's topic id as Kafka prints it; null when its rows landed before ids were recorded. */
  readonly topicId: string | null;
  readonly reason: IncarnationReason;
  /** The topic id asked about belonged to an earlier incarnation: the metadata it came from was stale. */
  readonly idSeenBefore: boolean;
}
