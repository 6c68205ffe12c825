import { validate as validCron } from 'node-cron';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const cron = z.string().refine((v) => validCron(v), 'must be a cron expression such as "30 2 * * *"');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATA_DIR: z.string().min(1).default('./data'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_EXPIRES_IN: z
      .string()
      .regex(/^\d+[smhd]$/, 'must be a duration such as 8h, 30m or 1d')
      .default('8h'),
    ADMIN_EMAIL: z.email('must be an email address').optional(),
    ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    CRON_ENABLED: bool.default(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PUBLIC_URL: z.url('must be an absolute URL').optional(),
    LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
    /**
     * Behind a reverse proxy: `true` (trust X-Forwarded-For), a number of proxy hops, or a comma-separated
     * list of proxy addresses/CIDRs. Unset: the socket's address is the client's.
     */
    TRUST_PROXY: z
      .string()
      .regex(
        /^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/,
        'must be true, false, a number of hops or a comma-separated list of addresses or CIDRs',
      )
      .optional(),
    /** Largest JSON body (every route but the import) → 413 above it, before parsing. */
    JSON_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Largest CSV import (streamed: memory does not grow with it) → 413 above it. */
    IMPORT_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    /** Deprecated name of IMPORT_LIMIT_BYTES (it no longer sets the JSON limit). */
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5),
    // Selections a partner may cancel within the window before the next cancellation is refused.
    PARTNER_CANCEL_QUOTA: z.coerce.number().int().min(0).max(1000).default(3),
    PARTNER_CANCEL_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    // Schedules of the jobs in src/jobs (cron syntax, read in CRON_TIMEZONE).
    CRON_TIMEZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Asia/Ho_Chi_Minh')
      .default('Asia/Ho_Chi_Minh'),
    CRON_DEADLINE_ALERTS: cron.default('15 6 * * *'),
    CRON_DATA_RETENTION: cron.default('30 2 * * *'),
    // Hourly: a grievance's acknowledgement is due 48 hours after receipt, to the hour.
    CRON_GRIEVANCE_OVERDUE: cron.default('10 * * * *'),
    // The embedded database (no DATABASE_URL): fsync at every commit, daily backups kept in DATA_DIR/backups.
    EMBEDDED_FSYNC: bool.default(true),
    CRON_DATABASE_BACKUP: cron.default('0 2 * * *'),
    BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  })
  .superRefine((env, ctx) => {
    // A production start must never fall back to a generated or default signing key.
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
  });

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly dataDir: string;
  /** Absent in development: the server generates one and keeps it in dataDir. */
  readonly jwtSecret: string | undefined;
  readonly jwtExpiresIn: string;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly cronEnabled: boolean;
  readonly logLevel: string;
  readonly publicUrl: string;
  /** False when PUBLIC_URL was not given and publicUrl points at this machine (QR codes would too). */
  readonly publicUrlSet: boolean;
  readonly loginRateLimit: number;
  /** Public certificate checks (GET /verify/…) per minute per address. */
  readonly verifyRateLimit: number;
  /** Fastify's trustProxy: which X-Forwarded-For hops to believe for the client address. */
  readonly trustProxy: boolean | number | string[];
  /** Largest JSON request body, in bytes. */
  readonly jsonBodyLimitBytes: number;
  /** Largest CSV import body, in bytes. */
  readonly importLimitBytes: number;
  readonly retentionYears: number;
  /** Partner cancellations of selections allowed per window (centers' and admins' do not count). */
  readonly partnerCancelQuota: number;
  readonly partnerCancelWindowDays: number;
  readonly cronTimezone: string;
  /** Cron expression per job name (src/job-registry.ts). */
  readonly cronSchedules: Readonly<Record<string, string>>;
  /** The embedded database fsyncs its WAL at every commit (EMBEDDED_FSYNC, default true). */
  readonly embeddedFsync: boolean;
  /** How many daily backups of the embedded database DATA_DIR/backups keeps (BACKUP_KEEP). */
  readonly backupKeep: number;
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((a) => a.trim());
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; lists every problem rather than the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in the environment mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    jwtExpiresIn: e.JWT_EXPIRES_IN,
    adminEmail: e.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    cronEnabled: e.CRON_ENABLED,
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    verifyRateLimit: e.VERIFY_RATE_LIMIT,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES,
    importLimitBytes: e.IMPORT_LIMIT_BYTES ?? e.BODY_LIMIT_BYTES ?? 50 * 1024 * 1024,
    retentionYears: e.RETENTION_YEARS,
    partnerCancelQuota: e.PARTNER_CANCEL_QUOTA,
    partnerCancelWindowDays: e.PARTNER_CANCEL_WINDOW_DAYS,
    cronTimezone: e.CRON_TIMEZONE,
    cronSchedules: Object.freeze({
      'deadline-alerts': e.CRON_DEADLINE_ALERTS,
      'data-retention': e.CRON_DATA_RETENTION,
      'grievance-overdue': e.CRON_GRIEVANCE_OVERDUE,
      // Only the embedded database is backed up by the service; PostgreSQL has pg_dump.
      ...(e.DATABASE_URL ? {} : { 'database-backup': e.CRON_DATABASE_BACKUP }),
    }),
    embeddedFsync: e.EMBEDDED_FSYNC,
    backupKeep: e.BACKUP_KEEP,
  });
}
