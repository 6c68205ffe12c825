/**
 * The workspace in a browser (issue 19, "Speed"): Debian's Chromium driven by playwright-core
 * against the service as deployed (`npm start`, its own process), so each figure includes the
 * server, the network and the rendering.
 *
 * - The trainee list's first page shown (rows visible) after a navigation to /app/trainees with
 *   1,000,000 candidates in PostgreSQL, as the center with the most trainees and as an admin:
 *   median and p95 of the navigations after one warm-up, target ≤ 1 s. The database is a copy of
 *   the 1M one (`kh_search_1m`, else `kh_bench_reports`), made with `create database … template`
 *   because signing a center user in writes a user; the copy is dropped at the end.
 * - An import of 3,000 valid rows (.xlsx made with exceljs) from the import screen until its result
 *   is shown, target ≤ 5 s, on a fresh small database.
 *
 * The requests of the last navigation are printed as a waterfall (ms from the navigation's start).
 *
 * `npm run bench -- --only workspace`
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Page } from 'playwright-core';
import postgres from 'postgres';
import { BENCH_ADMIN, login, type Served, seedCandidates, startService, userToken } from './http.ts';
import { type BenchResult, DEFAULT_SERVER, percentile, round, scratchDatabase } from './lib.ts';
import { benchDatabase } from './reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_KEY = 'kh.workspace.token';
const LIST_TARGET_MS = 1000;
const IMPORT_TARGET_MS = 5000;
const SOURCES = ['kh_search_1m', 'kh_bench_reports'];

export interface BenchWorkspaceOptions {
  navigations?: number;
  importRows?: number;
  imports?: number;
  log?: (line: string) => void;
}

async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'kh-bench-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs the tab in with a token (what the sign-in form stores), without timing the form. */
async function useToken(page: Page, base: string, token: string) {
  await page.goto(`${base}/app/`);
  await page.evaluate(([k, v]) => sessionStorage.setItem(k!, v!), [TOKEN_KEY, token]);
}

/** Each API request of one navigation: start and end in ms from the navigation's start. */
function recordWaterfall(page: Page, base: string) {
  const lines: { start: number; end: number; what: string }[] = [];
  let t0 = performance.now();
  const started = new Map<object, number>();
  const onRequest = (r: { url(): string }) => started.set(r, performance.now() - t0);
  const onDone = (r: { url(): string; method(): string }) => {
    const u = new URL(r.url());
    if (!r.url().startsWith(base)) return;
    lines.push({
      start: started.get(r) ?? 0,
      end: performance.now() - t0,
      what: `${r.method()} ${u.pathname}${u.search}`,
    });
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  return {
    reset: () => {
      t0 = performance.now();
      lines.length = 0;
      started.clear();
    },
    print: (log: (s: string) => void) => {
      for (const l of lines.sort((a, b) => a.start - b.start))
        log(
          `    ${String(Math.round(l.start)).padStart(5)}–${String(Math.round(l.end)).padEnd(5)} ms  ${l.what}`,
        );
    },
    stop: () => {
      page.off('request', onRequest);
      page.off('requestfinished', onDone);
    },
  };
}

async function listNavigations(
  page: Page,
  service: Served,
  token: string,
  n: number,
  log: (s: string) => void,
) {
  await useToken(page, service.base, token);
  const waterfall = recordWaterfall(page, service.base);
  const times: number[] = [];
  // One warm-up (cold caches of the browser and the service), then n measured navigations.
  for (let i = 0; i <= n; i++) {
    await page.goto('about:blank');
    waterfall.reset();
    const t0 = performance.now();
    await page.goto(`${service.base}/app/trainees`, { waitUntil: 'commit' });
    await page.locator('table tbody tr').first().waitFor({ state: 'visible', timeout: 30_000 });
    if (i > 0) times.push(performance.now() - t0);
  }
  log('    waterfall of the last navigation:');
  waterfall.print(log);
  waterfall.stop();
  return times;
}

function listResult(label: string, times: number[]): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  return {
    name: `workspace: trainee list first page shown, ${label} (median of ${times.length}: ${sorted.map((t) => Math.round(t)).join(' ')} ms; p95 ${Math.round(p95)} ms)`,
    value: round(median),
    unit: 'ms',
    baseline: null,
    ratio: null,
    target: `median and p95 ≤ ${LIST_TARGET_MS} ms`,
    met: p95 <= LIST_TARGET_MS,
  };
}

/** A copy of the 1M database, so that the center user the bench makes goes into the copy. */
async function copyOfMillion(
  log: (s: string) => void,
  seeded = false,
): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `kh_bench_ws_${Math.random().toString(36).slice(2, 8)}`;
  try {
    for (const source of SOURCES) {
      const [row] = await admin<
        { n: number }[]
      >`select count(*)::int as n from pg_database where datname = ${source}`;
      if (!row?.n) continue;
      try {
        const started = performance.now();
        await admin.unsafe(`create database ${name} template ${source} strategy file_copy`);
        log(`  copied ${source} into ${name} in ${Math.round((performance.now() - started) / 1000)} s`);
        const u = new URL(serverUrl);
        u.pathname = `/${name}`;
        return {
          url: u.toString(),
          drop: async () => {
            await admin.unsafe(`drop database if exists ${name} with (force)`);
            await admin.end();
          },
        };
      } catch (err) {
        log(`  cannot copy ${source}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await admin.end();
    throw err;
  }
  await admin.end();
  if (seeded) throw new Error(`cannot copy ${SOURCES.join(' or ')}: is a connection open on them?`);
  // None there yet: seed the reports bench's database (kh_bench_reports, kept), then copy it.
  await benchDatabase(serverUrl, 1_000_000, false, log);
  return copyOfMillion(log, true);
}

export async function benchWorkspaceList(opts: BenchWorkspaceOptions = {}): Promise<BenchResult[]> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const n = opts.navigations ?? 7;
  const copy = await copyOfMillion(log);
  let service: Served | undefined;
  const browser = await openBrowser();
  try {
    const sql = postgres(copy.url, { max: 1, onnotice: () => {} });
    const [biggest] = await sql<{ id: string; n: number; total: number }[]>`
      select training_center_id as id, count(*)::int as n, (select count(*)::int from candidates) as total
      from candidates group by 1 order by 2 desc limit 1`;
    await sql.end();
    log(
      `  ${biggest!.total.toLocaleString('en')} candidates; the biggest center has ${biggest!.n.toLocaleString('en')}`,
    );
    service = await startService(copy.url);
    const center = await userToken(service.base, { role: 'center', trainingCenterId: biggest!.id });
    const admin = await login(service.base, BENCH_ADMIN.email, BENCH_ADMIN.password);
    const results: BenchResult[] = [];
    for (const [label, token] of [
      [`a center (${biggest!.n.toLocaleString('en')} trainees)`, center],
      [`an admin (${biggest!.total.toLocaleString('en')} candidates)`, admin],
    ] as const) {
      log(`  ${label}`);
      const r = listResult(label, await listNavigations(browser.page, service, token, n, log));
      log(`    ${r.name}`);
      results.push(r);
    }
    return results;
  } finally {
    await browser.close();
    await service?.stop();
    await copy.drop();
  }
}

/** A workbook of `rows` valid trainees in the import template's columns. */
export async function importWorkbook(rows: number, seed: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Học viên');
  sheet.addRow(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Mã tỉnh', 'Ngành nghề', 'Đồng ý chia sẻ']);
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    sheet.addRow([
      `Nguyễn Văn Bench ${seed} ${i}`,
      `${day}/${month}/${1995 + (i % 8)}`,
      i % 2 ? 'Nữ' : 'Nam',
      `080${String(seed).padStart(2, '0')}${String(i).padStart(7, '0')}`,
      '80',
      'construction',
      'có',
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function benchWorkspaceImport(opts: BenchWorkspaceOptions = {}): Promise<BenchResult[]> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const rows = opts.importRows ?? 3000;
  const imports = opts.imports ?? 3;
  const db = await scratchDatabase();
  let service: Served | undefined;
  const browser = await openBrowser();
  try {
    const { centerId } = await seedCandidates(db.url, 0);
    service = await startService(db.url);
    const token = await userToken(service.base, { role: 'center', trainingCenterId: centerId });
    await useToken(browser.page, service.base, token);
    const page = browser.page;
    const times: number[] = [];
    for (let i = 0; i < imports; i++) {
      const buffer = await importWorkbook(rows, i + 1);
      await page.goto(`${service.base}/app/trainees/import`);
      await page.locator('#import-file').setInputFiles({
        name: `bench-${i}.xlsx`,
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer,
      });
      const t0 = performance.now();
      await page.locator('form.card button[type=submit]').click();
      // The result: its heading and the table of the imported rows (the last row rendered).
      await page.locator(`table tbody tr:nth-child(${rows})`).waitFor({ state: 'visible', timeout: 120_000 });
      times.push(performance.now() - t0);
      log(`    import ${i + 1}: ${Math.round(times.at(-1)!)} ms`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    return [
      {
        name: `workspace: import of ${rows.toLocaleString('en')} rows (.xlsx) from the browser until its result is shown (median of ${imports}: ${sorted.map((t) => Math.round(t)).join(' ')} ms)`,
        value: round(median),
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: `≤ ${IMPORT_TARGET_MS} ms`,
        met: median <= IMPORT_TARGET_MS,
      },
    ];
  } finally {
    await browser.close();
    await service?.stop();
    await db.drop();
  }
}

export async function benchWorkspace(opts: BenchWorkspaceOptions = {}): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install it with scripts/install-chromium.sh`);
  // The bundle of the sources as they are now, served from web/dist by the service.
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'ignore' });
  return [...(await benchWorkspaceList(opts)), ...(await benchWorkspaceImport(opts))];
}
