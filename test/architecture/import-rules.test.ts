import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../support/paths.js';
import { importEdges, type ImportEdge } from './import-graph.js';
import { checkRules, RULES, type RuleName, type Violation } from './import-rules.js';

/**
 * The architecture rules of issue 18 over the import graph of src/ (type-only
 * imports included). Today's violations are listed in known-violations.json;
 * that list may only shrink: a violation not on it fails, and so does an entry
 * that no longer occurs (delete it when the import is gone).
 */

const SRC = join(PACKAGE_ROOT, 'src');
const ALLOWLIST = join(PACKAGE_ROOT, 'test', 'architecture', 'known-violations.json');

type KnownViolations = Record<RuleName, string[]>;

function knownKeys(): Set<string> {
  const known = JSON.parse(readFileSync(ALLOWLIST, 'utf8')) as KnownViolations;
  return new Set(Object.entries(known).flatMap(([rule, edges]) => edges.map((edge) => `${rule} ${edge}`)));
}

const where = (v: Violation): string => `src/${v.edge.from}:${v.edge.line} imports ${v.edge.to} (${v.rule}: ${RULES[v.rule]})`;

describe('architecture: import rules over src/', () => {
  const edges = importEdges(SRC);
  const violations = checkRules(edges);
  const known = knownKeys();

  it('reads the import graph, type-only and dynamic imports included', () => {
    assert.ok(edges.length > 500, `found ${edges.length} import lines`);
    assert.ok(edges.some((e) => e.typeOnly), 'type-only imports are edges');
    assert.ok(edges.some((e) => e.kind === 'dynamic'), 'dynamic imports are edges');
    assert.ok(edges.some((e) => e.kind === 'worker'), 'worker modules are edges');
  });

  it('adds no violation beyond the known ones', () => {
    const fresh = violations.filter((v) => !known.has(v.key)).map(where);
    assert.deepEqual(fresh, [], `new import-rule violations:\n${fresh.join('\n')}`);
  });

  it('lists no known violation that is gone (the list only shrinks)', () => {
    const present = new Set(violations.map((v) => v.key));
    const stale = [...known].filter((key) => !present.has(key));
    assert.deepEqual(stale, [], `fixed: remove these from test/architecture/known-violations.json:\n${stale.join('\n')}`);
  });
});

describe('architecture: each rule catches its violation (synthetic graphs)', () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, line: 1, kind: 'import', typeOnly: false });
  const rulesOf = (edges: ImportEdge[]): string[] => checkRules(edges).map((v) => v.key);

  it('R1: a two-folder cycle, every line on it; a one-way import is fine', () => {
    assert.deepEqual(rulesOf([edge('a/x.ts', 'b/y.ts'), edge('b/y.ts', 'c/z.ts'), edge('c/z.ts', 'a/w.ts'), edge('a/x.ts', 'log/logger.ts')]), [
      'R1 a/x.ts -> b/y.ts',
      'R1 b/y.ts -> c/z.ts',
      'R1 c/z.ts -> a/w.ts',
    ]);
  });

  it('R2: stage to stage, and the runner past a stage index', () => {
    assert.deepEqual(rulesOf([edge('staging/run.ts', 'marts/days.ts'), edge('runner/run.ts', 'marts/plan.ts'), edge('runner/run.ts', 'marts/index.ts')]), [
      'R2 staging/run.ts -> marts/days.ts',
      'R2 runner/run.ts -> marts/plan.ts',
    ]);
  });

  it('R5: shared infrastructure such as the landing importing a stage; a stage importing the landing is fine', () => {
    assert.deepEqual(rulesOf([edge('landing/landing-store.ts', 'ingest/types.ts'), edge('staging/run.ts', 'landing/landing-reader.ts')]), [
      'R5 landing/landing-store.ts -> ingest/types.ts',
    ]);
  });
  it('R3 and R4: dialect to dialect, dialect internals from a stage or from shared warehouse code', () => {
    assert.deepEqual(
      rulesOf([
        edge('warehouse/vertica/a.ts', 'warehouse/postgres/b.ts'),
        edge('staging/run.ts', 'warehouse/postgres/index.ts'),
        edge('warehouse/index.ts', 'warehouse/postgres/postgres-warehouse.ts'),
        edge('warehouse/dialects.ts', 'warehouse/postgres/index.ts'),
        edge('warehouse/sql-models/build-sql.ts', 'warehouse/dialects.ts'),
        edge('warehouse/postgres/index.ts', 'warehouse/postgres/x.ts'),
      ]),
      ['R3 warehouse/vertica/a.ts -> warehouse/postgres/b.ts', 'R4 staging/run.ts -> warehouse/postgres/index.ts', 'R4 warehouse/index.ts -> warehouse/postgres/postgres-warehouse.ts'],
    );
  });
});
