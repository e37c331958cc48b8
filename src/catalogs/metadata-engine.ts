/**
 * The engine behind the gateway's own metadata backend: it runs nothing by itself. The backend
 * only serves answers the metadata service computed (LocalBackend.answer), paged and followed up
 * like any query; a statement submitted to it directly is refused.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { LocalEngine, LocalExecution } from '../engines/local-engine.js';
import type { CatalogDescription } from './model.js';

export const METADATA_BACKEND = '#metadata';

export class MetadataEngine implements LocalEngine {
  readonly kind = 'metadata';

  async start(): Promise<void> {}

  async execute(): Promise<LocalExecution> {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, "The gateway's metadata backend answers only metadata statements");
  }

  async columnsOf(): Promise<Array<{ name: string; type: string }>> {
    return [];
  }

  async viewReads(): Promise<undefined> {
    return undefined;
  }

  async describeCatalogs(): Promise<CatalogDescription[]> {
    return [];
  }

  async close(): Promise<void> {}
}
