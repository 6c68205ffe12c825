import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface DemandServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createDemandService(_deps: DemandServiceDeps) {
  return {};
}

export type DemandService = ReturnType<typeof createDemandService>;
