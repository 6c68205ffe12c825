import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface CandidateServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createCandidateService(_deps: CandidateServiceDeps) {
  return {};
}

export type CandidateService = ReturnType<typeof createCandidateService>;
