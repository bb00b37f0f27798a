import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/**
 * The import graph of `src/**\/*.ts`, read from the sources (not `dist/`):
 * `verbatimModuleSyntax` drops type-only imports from the compiled code, but
 * they are architecture all the same. Only relative imports are edges;
 * packages and `node:` builtins are not ours. A dynamic `import(variable)` is
 * no edge by design (the module is chosen at run time).
 */

export type ImportKind = 'import' | 'export' | 'side-effect' | 'dynamic' | 'worker';

export interface ImportEdge {
  /** Importing file, relative to `src/` (`staging/run.ts`). */
  readonly from: string;
  /** Imported file, relative to `src/`, with `.ts` (`warehouse/index.ts`). */
  readonly to: string;
  /** 1-based line of the import in `from`. */
  readonly line: number;
  readonly kind: ImportKind;
  readonly typeOnly: boolean;
}

// `import x from`, `import type { … } from`, `export { … } from`, `export * from`: at a line start,
// so that prose in comments (which starts with `//` or `*`) is not mistaken for an import.
const STATIC = /(?:^|\n)[ \t]*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"]/g;
const BARE = /(?:^|\n)[ \t]*import\s+['"]([^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;
const WORKER = /new\s+Worker\(\s*new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;
const TYPE_ONLY_CLAUSE = /^\{\s*(type\s+[^,}]+,?\s*)+\}$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Line number of a character offset; `at` points into the match, past its leading newline. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function isCommentLine(text: string, at: number): boolean {
  const start = text.lastIndexOf('\n', at) + 1;
  return /^\s*(\/\/|\*|\/\*)/.test(text.slice(start, at + 1));
}

/** Every relative import of every source file under `srcDir`. */
export function importEdges(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const from = relative(srcDir, file).split('\\').join('/');
    const add = (spec: string, at: number, kind: ImportKind, typeOnly: boolean): void => {
      if (!spec.startsWith('.')) return;
      const to = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
      edges.push({ from, to, line: lineAt(text, at), kind, typeOnly });
    };
    for (const m of text.matchAll(STATIC)) {
      const at = m.index + m[0].search(/\S/);
      add(m[4]!, at, m[1] === 'export' ? 'export' : 'import', Boolean(m[2]) || TYPE_ONLY_CLAUSE.test(m[3]!.trim()));
    }
    for (const m of text.matchAll(BARE)) add(m[1]!, m.index + m[0].search(/\S/), 'side-effect', false);
    for (const m of text.matchAll(DYNAMIC)) if (!isCommentLine(text, m.index)) add(m[1]!, m.index, 'dynamic', false);
    for (const m of text.matchAll(WORKER)) if (!isCommentLine(text, m.index)) add(m[1]!, m.index, 'worker', false);
  }
  return edges;
}

/** The top folder of a file under `src/` (`staging`), `(root)` for `src/*.ts`. */
export function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '(root)';
}

/**
 * Folders that lie on a cycle with another folder: Tarjan's strongly connected
 * components of the folder graph, keeping those of two or more folders.
 */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    if (a !== b) next.get(a)!.add(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}
