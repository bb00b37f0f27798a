import { isDeepStrictEqual } from 'node:util';

export type Action = 'created' | 'updated' | 'unchanged';

/** What a provisioning run did to one object of a BI tool. */
export interface ProvisionedObject<Kind extends string = string> {
  readonly kind: Kind;
  /** The definition's key of the object (`database`, a dataset or chart key, `dashboard`). */
  readonly key: string;
  readonly name: string;
  readonly id: number;
  readonly action: Action;
}

/**
 * True when every key of `wanted` has an equal value in `current`: the BI
 * tools add keys of their own, so an object is up to date when it covers the
 * definition's keys (a missing key equals null).
 */
export function covers(current: Record<string, unknown> | undefined, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([k, v]) => isDeepStrictEqual(current?.[k] ?? null, v ?? null));
}

/** One line per object, then what changed: the output of the provision commands. */
export function printReport(objects: readonly ProvisionedObject[], out: NodeJS.WritableStream): void {
  for (const o of objects) out.write(`${o.kind.padEnd(10)} ${o.action.padEnd(10)} ${String(o.id).padStart(5)}  ${o.name}\n`);
  const changed = objects.filter((o) => o.action !== 'unchanged').length;
  out.write(changed === 0 ? 'nothing to change: everything matches the definition\n' : `${changed} of ${objects.length} objects created or updated\n`);
}

/**
 * Driver errors arrive as SQLAlchemy's multi-line text; the CLI reports one
 * line: without SQLAlchemy's wrapper and its "Background on this error" links.
 */
export function oneLine(text: string): string {
  return text
    .replace(/\(Background on this error at: [^)]*\)/g, '')
    .replace(/^\(builtins\.NoneType\) None\s*\[SQL:\s*([\s\S]*?)\s*\]\s*$/, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
