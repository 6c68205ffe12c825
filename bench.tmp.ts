import postgres from 'postgres';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildApp } from '/work/main/src/app.ts';
import { openDatabase } from '/work/main/src/db/client.ts';
import { migrateDatabase } from '/work/main/src/db/migrate.ts';
import { testConfig } from '/work/main/test/helpers/app.ts';
const N = Number(process.env.N ?? 100000);
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = 'kh_cand_bench';
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
const database = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}` });
await migrateDatabase(database);
const app = await buildApp(testConfig(), { database, logger: { level: 'error' } });
await app.ready();
const sql = database.sql!;
if (process.env.NOTRIGGER) { await sql`drop trigger candidates_report_sync on candidates`; }
if (process.env.STMTTRIGGER) { await sql.unsafe(`drop trigger candidates_report_sync on candidates;
create or replace function reports_candidates_inserted() returns trigger language plpgsql as $$ begin insert into report_pipeline_rollup as r (province_2025, training_center_id, status, candidates) select home_province_2025, training_center_id, status, count(*)::int from new_rows group by 1,2,3 on conflict (province_2025, training_center_id, status) do update set candidates = r.candidates + excluded.candidates; return null; end $$;
create trigger candidates_report_ins after insert on candidates referencing new table as new_rows for each statement execute function reports_candidates_inserted();`).simple(); }
const [c] = await sql`insert into training_centers (name, province_code, serial_prefix) values ('x','80','TN') returning id`;
const token = app.signToken({ id: '00000000-0000-4000-8000-000000000002', role: 'center', trainingCenterId: c.id, provinceCode: null, partnerId: null });
const lines = ['fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,occupationField,jlptLevel,consentToShare'];
const base: string[] = [];
for (let i = 0; i < N; i++) {
  const nid = `9${String(i).padStart(11, '0')}`;
  lines.push(`Nguyễn Văn Được ${i},2000-01-01,male,${nid},0912345678,80,construction,N4,true`);
  base.push(`Nguyễn Văn Được ${i},nguyen van duoc ${i},2000-01-01,male,${nid},+84912345678,80,2025,80,construction,N4,true,${c.id}`);
}
const csv = lines.join('\n');
const baseCsv = base.join('\n') + '\n';
async function reset() { await sql`truncate candidate_status_history, candidates cascade`; await sql`vacuum analyze candidates`; }
async function copyBaseline() {
  await reset();
  const t0 = performance.now();
  const w = await sql`copy candidates (full_name, name_search, date_of_birth, gender, national_id, phone, home_province_code, province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share, training_center_id) from stdin with (format csv)`.writable();
  await pipeline(Readable.from([baseCsv]), w);
  return performance.now() - t0;
}
async function importRun(usePg: boolean) {
  await reset();
  const services = app.services as any;
  const saved = services.database;
  if (!usePg) services.database = { ...saved, sql: undefined };
  const t0 = performance.now();
  const res = await app.inject({ method: 'POST', url: '/candidates/import', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, payload: csv });
  const ms = performance.now() - t0;
  services.database = saved;
  if (res.statusCode !== 201) throw new Error(res.body.slice(0, 500));
  return ms;
}
for (let round = 0; round < 2; round++) {
  const cp = await copyBaseline(); console.log("copy", cp);
  const imp = await importRun(true); console.log("imp", imp);
  const ins = await importRun(false);
  console.log(`N=${N} COPY ${cp.toFixed(0)}ms | import(COPY) ${imp.toFixed(0)}ms ratio ${(cp / imp).toFixed(2)} | import(INSERT) ${ins.toFixed(0)}ms ratio ${(cp / ins).toFixed(2)}`);
}
await app.close(); await database.close(); await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
