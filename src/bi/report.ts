/** What a provisioning run did to each object, as the provision commands print it. */
export interface ReportedObject {
  readonly kind: string;
  readonly name: string;
  readonly id: number | string;
  readonly action: 'created' | 'updated' | 'unchanged';
}

export function printReport(objects: readonly ReportedObject[], out: NodeJS.WritableStream): void {
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
