import { type AnyPgColumn, date, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The columns most tables share, written once. Each is exactly the column it replaces (the same SQL
 * type, default and constraints), so using it changes no migration.
 */
export const columns = {
  /** A random UUID primary key: `id uuid primary key default gen_random_uuid()`. */
  id: () => uuid('id').primaryKey().defaultRandom(),
  /** When the row was written: `created_at timestamptz not null default now()`. */
  createdAt: () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** When the row last changed: `updated_at timestamptz not null default now()`. */
  updatedAt: () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** A moment: `<name> timestamptz` (nullable; add `.notNull()`, `.defaultNow()` as needed). */
  at: (name: string) => timestamp(name, { withTimezone: true }),
  /** A calendar day read and written as `YYYY-MM-DD` text: `<name> date` (nullable). */
  day: (name: string) => date(name, { mode: 'string' }),
  /** A required link to another row: `<name> uuid not null references <table>(id)`. */
  ref: (name: string, target: () => AnyPgColumn) => uuid(name).notNull().references(target),
  /**
   * A link that is the primary key, one row per row of the other table:
   * `<name> uuid primary key references <table>(id)`.
   */
  refKey: (name: string, target: () => AnyPgColumn) => uuid(name).primaryKey().references(target),
};
