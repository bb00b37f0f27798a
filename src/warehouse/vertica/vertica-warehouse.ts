import { NotImplementedError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Warehouse } from '../warehouse.js';

/** Placeholder until the Vertica dialect lands (issue 5). */
export async function openVerticaWarehouse(_url: string, _logger: Logger): Promise<Warehouse> {
  throw new NotImplementedError('the Vertica warehouse dialect');
}
