import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_DEFINITION } from '../../src/bi/definition/definition.js';

export interface DefinitionCopy {
  readonly file: string;
  remove(): void;
}

/**
 * A copy of bi/ (the YAML and its SQL files) in a temporary folder, with the
 * given edits: what an operator's changed definition looks like.
 */
export function copyDefinition(editYaml: (yaml: string) => string = (y) => y, editSql: Record<string, (sql: string) => string> = {}): DefinitionCopy {
  const dir = mkdtempSync(join(tmpdir(), 'turnover-bi-'));
  cpSync(dirname(DEFAULT_DEFINITION), dir, { recursive: true });
  const file = join(dir, 'turnover.yaml');
  const yaml = readFileSync(file, 'utf8');
  const edited = editYaml(yaml);
  if (edited === yaml && Object.keys(editSql).length === 0) throw new Error('copyDefinition: the edit changed nothing');
  writeFileSync(file, edited);
  for (const [path, edit] of Object.entries(editSql)) {
    const sqlFile = join(dir, path);
    const sql = readFileSync(sqlFile, 'utf8');
    const changed = edit(sql);
    if (changed === sql) throw new Error(`copyDefinition: the edit of ${path} changed nothing`);
    writeFileSync(sqlFile, changed);
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
