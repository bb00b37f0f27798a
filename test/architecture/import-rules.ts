import { folderCycles, folderOf, type ImportEdge } from './import-graph.js';

/**
 * The rules of issue 18 over the import graph of `src/`. Each violation is
 * one import line; `key` (rule, importing file, imported file) is what the
 * allowlist of known violations holds, so that moving a line within a file
 * does not stale it.
 */

export interface Violation {
  readonly rule: RuleName;
  readonly edge: ImportEdge;
  readonly key: string;
}

export const RULES = {
  R1: 'no cycle between src/ folders',
  R2: 'no stage imports another stage; the runner uses a stage through its index.ts only',
  R3: 'no import between dialect folders',
  R4: "no dialect internals from outside: only shared warehouse code imports warehouse/<dialect>/index.ts",
  R5: 'shared infrastructure (the landing, the warehouse interface, the command kit…) imports no stage',
} as const;

export type RuleName = keyof typeof RULES;

/** The pipeline stages (README's boxes): each meets the others only through tables and the CLI. */
export const STAGES: ReadonlySet<string> = new Set(['generator', 'ingest', 'staging', 'marts', 'dashboard', 'bi', 'migrate']);

/**
 * Folders every stage may use and that use no stage: what several stages
 * share. The landing is one of them, not a stage: the ingesters write it, the
 * STG loader reads it, the dashboard and the runner watch it.
 */
export const SHARED_INFRASTRUCTURE: ReadonlySet<string> = new Set(['landing', 'db', 'warehouse', 'contracts', 'kafka', 'command', 'process', 'retry', 'log', 'net', 'setup']);

/** The orchestrator, which may drive a stage through that stage's public `index.ts`. */
const RUNNER = 'runner';

/** Sub-folders of `src/warehouse/` that are shared code, not a dialect; any other sub-folder is a dialect. */
export const SHARED_WAREHOUSE_FOLDERS: ReadonlySet<string> = new Set(['sql-models']);

/** The dialect folder a file lies in (`postgres` for `warehouse/postgres/x.ts`), if any. */
export function dialectOf(file: string): string | undefined {
  const match = /^warehouse\/([^/]+)\//.exec(file);
  return match && !SHARED_WAREHOUSE_FOLDERS.has(match[1]!) ? match[1] : undefined;
}

function violation(rule: RuleName, edge: ImportEdge): Violation {
  return { rule, edge, key: `${rule} ${edge.from} -> ${edge.to}` };
}

export function checkRules(edges: readonly ImportEdge[]): Violation[] {
  const out: Violation[] = [];
  const cycleOf = new Map<string, number>();
  folderCycles(edges).forEach((folders, i) => folders.forEach((f) => cycleOf.set(f, i)));
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from !== to && cycleOf.has(from) && cycleOf.get(from) === cycleOf.get(to)) out.push(violation('R1', edge));
    if (from !== to && STAGES.has(from) && STAGES.has(to)) out.push(violation('R2', edge));
    if (from === RUNNER && STAGES.has(to) && edge.to !== `${to}/index.ts`) out.push(violation('R2', edge));
    if (SHARED_INFRASTRUCTURE.has(from) && STAGES.has(to)) out.push(violation('R5', edge));
    const fromDialect = dialectOf(edge.from);
    const toDialect = dialectOf(edge.to);
    if (fromDialect && toDialect && fromDialect !== toDialect) out.push(violation('R3', edge));
    else if (toDialect && !fromDialect) {
      const sharedWarehouseCode = folderOf(edge.from) === 'warehouse';
      if (!sharedWarehouseCode || edge.to !== `warehouse/${toDialect}/index.ts`) out.push(violation('R4', edge));
    }
  }
  return out;
}
