import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { warmUpCertificates } from './pdf/certificate.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config);
  } catch (err) {
    // Another process has the embedded database: say who, and what to do; its files were not opened.
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const admin = await app.services.users.ensureFirstAdmin(config.adminEmail, config.adminPassword);

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const db = config.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PostgreSQL (PGlite) in ${config.dataDir}`;
  const lines = ['', `Kakehashi is listening on ${base}`, `  API docs:  ${base}/docs`, `  Database:  ${db}`];
  if (!config.databaseUrl) {
    lines.push(
      `             ${config.embeddedFsync ? 'fsync at every commit' : 'EMBEDDED_FSYNC=false: a power cut can lose the last commits'}; this process only`,
      config.cronEnabled
        ? `  Backups:   ${config.cronSchedules['database-backup']} into DATA_DIR/backups (keeps ${config.backupKeep})`
        : '  Backups:   none scheduled (CRON_ENABLED=false): stop the service and run npm run backup',
    );
  }
  if (admin) {
    lines.push(
      `  First admin created: ${admin.email}`,
      admin.generated
        ? `  Its generated password (shown once, set ADMIN_PASSWORD to choose one): ${admin.password}`
        : '  Its password is the ADMIN_PASSWORD you set.',
    );
    if (admin.mustChangePassword)
      lines.push('  It must choose a new password at its first login (POST /me/password).');
  }
  if (!config.publicUrlSet) {
    lines.push(
      `  Warning:   PUBLIC_URL is not set: certificate QR codes will point to ${config.publicUrl}, which a phone`,
      '             cannot reach. Set PUBLIC_URL to the address the public uses (e.g. https://kakehashi.example.vn).',
    );
  }
  lines.push(
    '  Log in:',
    `    curl -s ${base}/auth/login -H 'content-type: application/json' \\`,
    `      -d '{"email":"${admin?.email ?? config.adminEmail ?? 'admin@kakehashi.local'}","password":"…"}'`,
    '',
  );
  console.log(lines.join('\n'));
  // The first certificate a user prints should not wait for the fonts to load.
  setImmediate(() => {
    warmUpCertificates().catch((err: unknown) => app.log.warn({ err }, 'certificate warm-up failed'));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
