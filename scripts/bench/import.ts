/**
 * CSV import of 100,000 trainees through POST /candidates/import, against PostgreSQL
 * `COPY … FROM STDIN` of the same rows into the same table, in the same run; and the same rows as an
 * .xlsx workbook (as Excel saves one: shared strings, dates as date cells), against the CSV import.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import postgres from 'postgres';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/migrate.ts';
import { XLSX_TYPE } from '../../src/modules/candidates/candidates.xlsx.ts';
import { type BenchResult, benchConfig, benchEnv } from './lib.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Vũ', 'Đặng', 'Bùi', 'Đỗ'];
const GIVEN = [
  'Văn Được',
  'Thị Lan',
  'Minh Tuấn',
  'Ngọc Ánh',
  'Hữu Phúc',
  'Thị Hương',
  'Quốc Bảo',
  'Thu Trang',
];
const FIELDS = [
  'construction',
  'nursing_care',
  'food_manufacturing',
  'industrial_manufacturing',
  'agriculture',
];

function rows(count: number, offset: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    return {
      fullName: `${FAMILY[i % FAMILY.length]} ${GIVEN[i % GIVEN.length]}`,
      dateOfBirth: `${1990 + (i % 15)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      gender: i % 3 === 0 ? 'female' : 'male',
      nationalId: String(100000000000 + i),
      phone: `09${String(i % 100000000).padStart(8, '0')}`,
      homeProvinceCode: '80',
      provinceBoundaries: i % 2 ? '2008' : '2025',
      occupationField: FIELDS[i % FIELDS.length]!,
      jlptLevel: i % 4 === 0 ? '' : 'N4',
      consentToShare: i % 10 ? 'true' : 'false',
    };
  });
}

/** The rows as an .xlsx workbook written by exceljs's streaming writer (shared strings, date cells). */
async function xlsxOf(apiRows: ReturnType<typeof rows>): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-bench-xlsx-'));
  const filename = join(dir, 'trainees.xlsx');
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Trainees');
    sheet.addRow(Object.keys(apiRows[0]!)).commit();
    for (const r of apiRows) {
      sheet
        .addRow(
          Object.entries(r).map(([key, value]) =>
            key === 'dateOfBirth' ? new Date(`${value}T00:00:00Z`) : value === '' ? null : value,
          ),
        )
        .commit();
    }
    sheet.commit();
    await workbook.commit();
    return readFileSync(filename);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const strip = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

/**
 * COPY, the CSV import and the .xlsx import in alternating order (COPY–CSV–xlsx, xlsx–CSV–COPY, …),
 * `samples` times each on an emptied table, so that a shared machine's drift falls on all alike; the
 * figures are the median ratios (CSV against COPY, xlsx against CSV).
 */
export async function benchImport(url: string, count = 100_000, samples = 3): Promise<BenchResult[]> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await migrateDatabase(database);
  await database.close();
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const [center] = await sql<{ id: string }[]>`
    insert into training_centers (name, province_code, serial_prefix) values ('Import bench', '80', 'IB') returning id`;

  // Baseline: COPY of the same rows, with the columns the service derives filled in.
  const copyRows = rows(count, 0);
  const copyCsv = copyRows
    .map((r) =>
      [
        r.fullName,
        strip(r.fullName),
        r.dateOfBirth,
        r.gender,
        r.nationalId,
        r.phone,
        r.homeProvinceCode,
        r.provinceBoundaries,
        '80',
        r.occupationField,
        r.jlptLevel,
        r.consentToShare,
        center!.id,
      ].join(','),
    )
    .join('\n');
  const copyOnce = async () => {
    const start = performance.now();
    await sql.begin(async (tx) => {
      const writable =
        await tx`copy candidates (full_name, name_search, date_of_birth, gender, national_id, phone,
        home_province_code, province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share,
        training_center_id) from stdin with (format csv, null '')`.writable();
      await pipeline(Readable.from([`${copyCsv}\n`]), writable);
    });
    return performance.now() - start;
  };

  const config = benchConfig(url);
  const app = await buildApp(config, { logger: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = app.signToken({
    id: '00000000-0000-4000-8000-000000000002',
    role: 'center',
    trainingCenterId: center!.id,
    provinceCode: null,
    partnerId: null,
  });
  const apiRows = rows(count, 0);
  const header = Object.keys(apiRows[0]!).join(',');
  const csv = `${header}\n${apiRows.map((r) => Object.values(r).join(',')).join('\n')}\n`;
  const xlsx = await xlsxOf(apiRows);
  const apiOnce = async (type: 'csv' | 'xlsx') => {
    const start = performance.now();
    const res = await fetch(`${base}/candidates/import`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': type === 'csv' ? 'text/csv' : XLSX_TYPE,
      },
      body: type === 'csv' ? csv : new Uint8Array(xlsx),
    });
    const ms = performance.now() - start;
    const body = await res.text();
    const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from candidates`;
    if (res.status !== 201 || counted?.n !== count)
      throw new Error(`import answered ${res.status} with ${counted?.n} rows: ${body.slice(0, 500)}`);
    return ms;
  };

  const rounds: { copyMs: number; apiMs: number; xlsxMs: number; ratio: number; xlsxRatio: number }[] = [];
  try {
    for (let k = 0; k < samples; k++) {
      const order = k % 2 === 0 ? (['copy', 'csv', 'xlsx'] as const) : (['xlsx', 'csv', 'copy'] as const);
      const ms: Record<string, number> = {};
      for (const side of order) {
        await sql`truncate candidates cascade`;
        ms[side] = side === 'copy' ? await copyOnce() : await apiOnce(side);
      }
      const round = {
        copyMs: ms.copy!,
        apiMs: ms.csv!,
        xlsxMs: ms.xlsx!,
        ratio: ms.copy! / ms.csv!,
        xlsxRatio: ms.xlsx! / ms.csv!,
      };
      rounds.push(round);
      console.error(
        `  import sample ${k + 1} (${order.join(' then ')}): CSV ${Math.round(round.apiMs)} ms, COPY ${Math.round(round.copyMs)} ms, ratio ${round.ratio.toFixed(3)}; xlsx ${Math.round(round.xlsxMs)} ms, ${round.xlsxRatio.toFixed(2)}× CSV`,
      );
    }
  } finally {
    await app.close();
    await sql.end();
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const ratio = median(rounds.map((r) => r.ratio));
  const xlsxRatio = median(rounds.map((r) => r.xlsxRatio));
  return [
    {
      name: `CSV import of ${count.toLocaleString('en')} trainees via the API vs PostgreSQL COPY (speed; median of ${samples}: ${rounds.map((r) => r.ratio.toFixed(2)).join(' ')})`,
      value: median(rounds.map((r) => r.apiMs)),
      unit: 'ms',
      baseline: median(rounds.map((r) => r.copyMs)),
      ratio,
      target: 'ratio ≥ 0.8',
      met: ratio >= 0.8,
    },
    {
      name: `.xlsx import of the same ${count.toLocaleString('en')} trainees (${(xlsx.length / 1024 / 1024).toFixed(1)} MB workbook) vs the CSV import (time; median of ${samples}: ${rounds.map((r) => r.xlsxRatio.toFixed(2)).join(' ')})`,
      value: median(rounds.map((r) => r.xlsxMs)),
      unit: 'ms',
      baseline: median(rounds.map((r) => r.apiMs)),
      ratio: xlsxRatio,
      target: 'ratio ≤ 3',
      met: xlsxRatio <= 3,
    },
  ];
}

/** The node flags of `npm start` (package.json), so the figure is the deployed service's. */
function startFlags(): string[] {
  const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
  return start.split(/\s+/).filter((a) => a.startsWith('--max-old-space-size'));
}

const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) /
  1024;

/**
 * A CSV import of just under IMPORT_LIMIT_BYTES (50 MB) of valid rows into the service started as
 * `npm start` starts it (its own process, its heap cap), with /health polled every 200 ms and the
 * process's RSS sampled throughout. Target: peak RSS ≤ 300 MB, every /health answered, the process
 * alive, every row in.
 */
export async function benchImportMemory(
  url: string,
  bytes = 50 * 1024 * 1024 - 64 * 1024,
): Promise<BenchResult[]> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await migrateDatabase(database);
  await database.close();
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const [center] = await sql<{ id: string }[]>`
    insert into training_centers (name, province_code, serial_prefix) values ('Import memory bench', '80', 'IM') returning id`;

  // The file, written to disk so that this process does not hold it either.
  const dir = mkdtempSync(join(tmpdir(), 'kh-bench-import-'));
  const file = join(dir, 'trainees.csv');
  const out = createWriteStream(file);
  const header =
    'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,provinceBoundaries,occupationField,jlptLevel,consentToShare';
  let size = Buffer.byteLength(`${header}\n`);
  out.write(`${header}\n`);
  let count = 0;
  for (let offset = 0; size < bytes; offset += 10_000) {
    let chunk = '';
    for (const r of rows(10_000, offset)) {
      const line = `${Object.values(r).join(',')}\n`;
      const n = Buffer.byteLength(line);
      if (size + n > bytes) break;
      size += n;
      count++;
      chunk += line;
    }
    if (!chunk) break;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);

  const port = 39500 + Math.floor(Math.random() * 400);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...startFlags(), '--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...benchEnv(url, { PORT: String(port), LOG_LEVEL: 'warn' }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null = null;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
  });
  // A token of the service's own kind, signed with the same key (an in-process app only to sign it).
  const signer = await buildApp(benchConfig(url), { logger: false });
  const token = signer.signToken({
    id: '00000000-0000-4000-8000-000000000002',
    role: 'center',
    trainingCenterId: center!.id,
    provinceCode: null,
    partnerId: null,
  });
  await signer.close();

  let healthOk = 0;
  let healthFailed = 0;
  let peakSampled = 0;
  let importMs = 0;
  let status = 0;
  let answer = '';
  let alive = false;
  try {
    for (let i = 0; ; i++) {
      if (exited !== null) throw new Error(`the service exited with ${exited}`);
      if (i > 240) throw new Error('the service did not answer /health');
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    let importing = true;
    const poll = (async () => {
      while (importing) {
        if (exited === null) peakSampled = Math.max(peakSampled, rssMb(child.pid!, 'VmRSS'));
        const started = performance.now();
        try {
          const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
          if (res.ok) healthOk++;
          else healthFailed++;
          await res.arrayBuffer();
        } catch {
          healthFailed++;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 200 - (performance.now() - started))));
      }
    })();
    const started = performance.now();
    const res = await fetch(`${base}/candidates/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: await openAsBlob(file),
    }).catch((err: Error) => ({ status: 0, text: async () => String(err) }));
    importMs = performance.now() - started;
    status = res.status;
    answer = await res.text();
    importing = false;
    await poll;
  } finally {
    // Alive at the end of the import (read before the process is stopped below).
    alive = exited === null;
    const peak = alive ? rssMb(child.pid!, 'VmHWM') : 0;
    peakSampled = Math.max(peakSampled, peak);
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from candidates`;
  await sql.end();
  const inserted = counted?.n ?? 0;
  if (status !== 201 || inserted !== count)
    console.error(`  import answered ${status} with ${inserted} of ${count} rows: ${answer.slice(0, 300)}`);
  if (!alive) console.error('  the service died during the import');
  const mb = (size / 1024 / 1024).toFixed(1);
  return [
    {
      name: `Peak RSS of the service (npm start flags) during a ${mb} MB CSV import of ${count.toLocaleString('en')} rows (${Math.round(importMs / 1000)} s; /health ${healthOk} ok, ${healthFailed} failed)`,
      value: Math.round(peakSampled),
      unit: 'MB',
      baseline: null,
      ratio: null,
      target: '≤ 300 MB, process alive, /health answering throughout, every row in',
      met:
        peakSampled <= 300 &&
        alive &&
        healthFailed === 0 &&
        healthOk > 0 &&
        status === 201 &&
        inserted === count,
    },
  ];
}
