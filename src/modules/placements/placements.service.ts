import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface PlacementServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createPlacementService(_deps: PlacementServiceDeps) {
  return {};
}

export type PlacementService = ReturnType<typeof createPlacementService>;
