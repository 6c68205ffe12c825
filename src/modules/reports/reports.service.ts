import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

export interface ReportServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export function createReportService(_deps: ReportServiceDeps) {
  return {};
}

export type ReportService = ReturnType<typeof createReportService>;
