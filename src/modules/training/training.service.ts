import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface TrainingServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createTrainingService(_deps: TrainingServiceDeps) {
  return {};
}

export type TrainingService = ReturnType<typeof createTrainingService>;
