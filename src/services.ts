import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { JOBS } from './job-registry.ts';
import { createJobRunner } from './jobs/runner.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { createCandidateService } from './modules/candidates/candidates.service.ts';
import { createDemandService } from './modules/demand/demand.service.ts';
import { createDocumentService } from './modules/documents/documents.service.ts';
import { createOperationsService } from './modules/operations/operations.service.ts';
import { createOrganisationService } from './modules/organisations/organisations.service.ts';
import { createPlacementService } from './modules/placements/placements.service.ts';
import { createProtectionService } from './modules/protection/protection.service.ts';
import { createReferenceService } from './modules/reference/reference.service.ts';
import { createReportService } from './modules/reports/reports.service.ts';
import { createTrainingService } from './modules/training/training.service.ts';
import { createUserService } from './modules/users/users.service.ts';

/** Builds every domain service once, in dependency order; routes reach them as `app.services`. */
export async function createServices(database: Database, config: Config) {
  const { db } = database;
  const reference = await createReferenceService({ db });
  const audit = createAuditService({ db });
  const users = createUserService({ db, reference, loginRateLimit: config.loginRateLimit });
  const deps = { db, reference, config };
  return {
    config,
    database,
    reference,
    audit,
    users,
    organisations: createOrganisationService(deps),
    candidates: createCandidateService(deps),
    training: createTrainingService(deps),
    demand: createDemandService(deps),
    placements: createPlacementService(deps),
    protection: createProtectionService(deps),
    documents: createDocumentService(deps),
    reports: createReportService(deps),
    operations: createOperationsService({
      ...deps,
      runner: createJobRunner({ database, config, jobs: JOBS }),
    }),
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
