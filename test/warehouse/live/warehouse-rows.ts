import { silentLogger } from '../../../src/log/logger.js';
import { openWarehouse } from '../../../src/warehouse/index.js';

/**
 * Rows of a statement through the product's own warehouse connection, so
 * that one test reads PostgreSQL and Vertica alike. No bound parameters
 * (their placeholders differ by dialect); every value comes back as text
 * or null, whatever type each driver maps it to.
 */
export async function warehouseRows(url: string, sql: string): Promise<Record<string, string | null>[]> {
  const warehouse = await openWarehouse(url, silentLogger());
  try {
    const { rows } = await warehouse.query<Record<string, unknown>>(sql);
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
  } finally {
    await warehouse.close();
  }
}

/** One column of every row, as text. */
export async function warehouseColumn(url: string, sql: string): Promise<(string | null)[]> {
  return (await warehouseRows(url, sql)).map((row) => Object.values(row)[0] ?? null);
}
