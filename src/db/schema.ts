// Every table, for drizzle's relational queries and for the migration generator.
export * from '../modules/audit/audit.table.ts';
export * from '../modules/candidates/candidates.table.ts';
export * from '../modules/demand/demand.table.ts';
export * from '../modules/documents/documents.table.ts';
export * from '../modules/operations/operations.table.ts';
export * from '../modules/organisations/organisations.table.ts';
export * from '../modules/placements/placements.table.ts';
export * from '../modules/protection/protection.table.ts';
export * from '../modules/reference/reference.table.ts';
export * from '../modules/training/training.table.ts';
export * from '../modules/users/users.table.ts';
