import type { Warehouse } from '../warehouse/index.js';
import { clampedDay, type Day } from './days.js';
import { GAP_FILL_LIMIT_DAYS, RATE_REACH_DAYS } from './plan.js';
import type { QueueEntry } from './types.js';

/** What a plan is made from: the queue and the days already built around it. */
export interface BuildState {
  readonly queue: readonly QueueEntry[];
  readonly built: ReadonlySet<Day>;
}

export async function readBuildState(warehouse: Warehouse, interval?: { from: Day; to: Day }): Promise<BuildState> {
  const { rows } = await warehouse.query<{ day: string; kind: string; touched_at: string }>(warehouse.sql('mart_touched_days'));
  const queue = rows.map((r) => Object.freeze({ day: r.day, kind: r.kind, touchedAt: r.touched_at }));
  const firsts = [...queue.map((e) => e.day), ...(interval ? [interval.from] : [])].sort();
  const lasts = [...queue.map((e) => e.day), ...(interval ? [interval.to] : [])].sort();
  if (firsts.length === 0) return { queue, built: new Set() };
  // wide enough for gap filling before the first day and rate reach (+ drivers of the next day) after the last,
  // held within 0001-01-01..9999-12-31: no day outside exists to be built
  const from = clampedDay(firsts[0]!, -(GAP_FILL_LIMIT_DAYS + 1));
  const to = clampedDay(lasts.at(-1)!, RATE_REACH_DAYS + 1);
  const built = await warehouse.query<{ day: string }>(warehouse.sql('mart_built_days'), [from, to]);
  return { queue, built: new Set(built.rows.map((r) => r.day)) };
}
