import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PACKAGE_ROOT } from '../support/paths.js';
import type { VerticaClient, VerticaQueryConfig, VerticaResult } from '../../src/warehouse/vertica/vertica-client.js';

/** One statement as the Vertica dialect sent it. */
export interface RecordedStatement {
  readonly text: string;
  readonly values?: readonly unknown[];
  /** The rows streamed to `COPY … FROM LOCAL STDIN`, exactly as encoded. */
  readonly copyData?: string;
}

/** Answers a statement the way a Vertica server would for the scenario under test. */
export type Responder = (statement: RecordedStatement) => Record<string, unknown>[] | undefined;

async function drain(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A stand-in with the exact shape of the slice of vertica-nodejs the dialect
 * uses (VerticaClient). It records every statement, the bound values and the
 * COPY data, and answers like Vertica: DML with one `OUTPUT` row, COPY with
 * `Rows Loaded` (the number of lines it received).
 */
export class RecordingVerticaClient implements VerticaClient {
  readonly statements: RecordedStatement[];

  constructor(
    private readonly respond: Responder = () => undefined,
    log: RecordedStatement[] = [],
  ) {
    this.statements = log;
  }

  async connect(): Promise<void> {
    this.statements.push({ text: '-- connect' });
  }

  async query(config: VerticaQueryConfig): Promise<VerticaResult> {
    const statement: RecordedStatement = {
      text: config.text,
      ...(config.values ? { values: [...config.values] } : {}),
      ...(config.copyStream ? { copyData: await drain(config.copyStream) } : {}),
    };
    this.statements.push(statement);
    const scripted = this.respond(statement);
    if (scripted) return { rows: scripted };
    if (statement.copyData !== undefined) {
      const lines = statement.copyData.split('\n').filter((l) => l !== '').length;
      return { rows: [{ 'Rows Loaded': lines }], getRejectedRows: () => [] };
    }
    if (/^\s*(insert|update|delete|merge)\b/i.test(stripComments(config.text))) return { rows: [{ OUTPUT: 0 }] };
    return { rows: [] };
  }

  async end(): Promise<void> {
    this.statements.push({ text: '-- end' });
  }

  on(): this {
    return this;
  }
}

export const stripComments = (sql: string): string =>
  sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .trim();

/** The golden-file form of a statement log: each statement, its values and its COPY data. */
export function renderStatements(statements: readonly RecordedStatement[]): string {
  return statements
    .map((s, i) => {
      let out = `-- [${i + 1}]\n${stripComments(s.text) || s.text};\n`;
      if (s.values) out += `-- values: ${JSON.stringify(s.values)}\n`;
      if (s.copyData !== undefined) out += s.copyData.split('\n').filter((l) => l !== '').map((l) => `-- copy data: ${l}\n`).join('');
      return out;
    })
    .join('\n');
}

/** Where the golden statement logs live (checked by vertica-golden and parsed by vertica-sqlfluff). */
export const GOLDEN_DIR = join(PACKAGE_ROOT, 'test', 'warehouse', 'golden');
