import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface OrganisationServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createOrganisationService(_deps: OrganisationServiceDeps) {
  return {};
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
