import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { seedDemo } from '../../scripts/seed-demo.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/*
 * The workspace in a real browser: Debian's Chromium driven by playwright-core against the app on a
 * loopback port with a fresh database (PGlite, or PostgreSQL with TEST_DATABASE_URL). One browser per
 * test file. Chromium is required: without it the file fails (scripts/install-chromium.sh installs it).
 */

export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'kakehashi-demo-2026';
/** Screenshots a person looks at (the README shows them). */
export const SHOTS_DIR = process.env.WORKSPACE_SHOTS_DIR ?? '/tmp/kh/shots';

export interface Workspace {
  t: TestApp;
  base: string;
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, page errors, CSP violations: a test expects none. */
  problems: string[];
  close(): Promise<void>;
}

export async function openWorkspace(opts: { demo?: boolean; locale?: string } = {}): Promise<Workspace> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install it with scripts/install-chromium.sh`);
  // The bundle of the sources as they are now (fast; safe while other servers read web/dist).
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'ignore' });
  const t = await createTestApp();
  if (opts.demo) {
    const started = Date.now();
    await seedDemo(t.app);
    console.info(`demo data seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const profileDir = mkdtempSync(join(tmpdir(), 'kh-workspace-profile-'));
  const downloads = mkdtempSync(join(tmpdir(), 'kh-workspace-downloads-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    acceptDownloads: true,
    downloadsPath: downloads,
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    locale: opts.locale ?? 'vi-VN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    // The browser logs every 4xx answer; the tests provoke those on purpose and check how they are shown.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  mkdirSync(SHOTS_DIR, { recursive: true });
  return {
    t,
    base,
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      await t.close();
      rmSync(profileDir, { recursive: true, force: true });
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

/** After a failed test: a full-page screenshot of where the page was, named after the test. */
export async function shootFailure(w: Workspace | undefined, name: string, failed: boolean) {
  if (!w || !failed) return;
  const file = `${SHOTS_DIR}/failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`;
  await w.page.screenshot({ path: file, fullPage: true }).catch(() => {});
  console.info(`screenshot of the failure: ${file}`);
}

/**
 * One workspace for all the tests of a file: opened before them (then `ready` seeds what the file needs),
 * a screenshot of each failing test, closed after them. A console error or CSP violation fails the file.
 */
export function workspaceForFile(
  opts: { demo?: boolean; locale?: string },
  ready: (w: Workspace) => void | Promise<void>,
  timeout = 300_000,
) {
  let w: Workspace | undefined;
  beforeAll(async () => {
    w = await openWorkspace(opts);
    await ready(w);
  }, timeout);
  afterEach(async (ctx) => shootFailure(w, ctx.task.name, ctx.task.result?.state === 'fail'));
  afterAll(async () => {
    const problems = w?.problems;
    await w?.close();
    expect(problems).toEqual([]);
  });
}

/** Signs in through the page's form. */
export async function signIn(page: Page, base: string, email: string, password: string, labels = SIGN_IN_VI) {
  await page.goto(`${base}/app`);
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password, { exact: false }).fill(password);
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
}
export const SIGN_IN_VI = { email: 'Email', password: 'Mật khẩu', submit: 'Đăng nhập' };
