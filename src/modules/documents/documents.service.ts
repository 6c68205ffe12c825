import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface DocumentServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createDocumentService(_deps: DocumentServiceDeps) {
  return {};
}

export type DocumentService = ReturnType<typeof createDocumentService>;
