import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates, placements } from '../../src/db/schema.ts';
import { DEMO_PASSWORD, openWorkspace, SHOTS_DIR, signIn, type Workspace } from './browser.ts';

/*
 * A Japanese partner's day in the workspace, on the demo data: the anonymised pool filtered (an age
 * range the API refuses is shown under its input), a job order created (a headcount of 0 shown under
 * its input), the matches with their score explained, a selection with contract terms (a contract
 * that ends before it starts shown under its end date), the profile sheet printed alone and as the
 * order's batch, the selected candidate's record, the placement's terms edited, grievances, and the
 * order closed. At no point does the page hold a candidate's national ID or phone.
 */

let w: Workspace;
/** Every national ID and phone of the demo: none may appear in a partner's page. */
let secrets: string[] = [];

beforeAll(async () => {
  w = await openWorkspace({ demo: true });
  const rows = await w.t.database.db
    .select({ nationalId: candidates.nationalId, phone: candidates.phone })
    .from(candidates);
  secrets = rows.flatMap((r) => [r.nationalId, r.phone]).filter((x): x is string => !!x && x.length >= 8);
  expect(secrets.length).toBeGreaterThan(50);
  // Seeding the demo through the API takes minutes on a loaded machine.
}, 600_000);
afterAll(async () => {
  expect(w?.problems ?? []).toEqual([]);
  await w?.close();
});

const page = () => w.page;
const rows = () => page().locator('main table tbody tr');
const status = () => page().locator('#live-status').textContent();

/** No national ID or phone of any demo candidate in the page as it is now. */
async function expectNoIdentity() {
  const html = await page().content();
  const leaked = secrets.filter((s) => html.includes(s));
  expect(leaked).toEqual([]);
}

async function downloadPdf(click: () => Promise<void>) {
  const [d] = await Promise.all([page().waitForEvent('download'), click()]);
  const file = await d.path();
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  return d.suggestedFilename();
}

describe('a partner in the workspace (Japanese)', { timeout: 120_000 }, () => {
  let field = '';
  let orderUrl = '';
  let selectedCode = '';

  it('filters the anonymised pool, with the API refusing a bad age range next to its input', async () => {
    await signIn(page(), w.base, 'okayama@demo.kakehashi.jp', DEMO_PASSWORD);
    await page().getByRole('link', { name: '候補者プール' }).click();
    await page().getByRole('heading', { name: '候補者プール', level: 1 }).waitFor();
    expect(await page().locator('html').getAttribute('lang')).toBe('ja');
    await rows().first().waitFor();
    const all = await rows().count();
    expect(all).toBeGreaterThan(0);
    // Pool codes are opaque: P- and ten characters, never the registration code.
    const firstCode = (await rows().first().locator('td').first().textContent()) ?? '';
    expect(firstCode).toMatch(/^P-[0-9A-Z]{10}$/);
    await expectNoIdentity();

    // The field of the first profile, then a filter on it.
    field = (await w.t.database.db
      .select({ f: candidates.occupationField })
      .from(candidates)
      .where(eq(candidates.poolCode, firstCode))
      .then((r) => r[0]!.f)) as string;
    await page().locator('#f-field').selectOption(field);
    await page().locator('#f-ageMin').fill('40');
    await page().locator('#f-ageMax').fill('20');
    await page().getByRole('button', { name: '絞り込み', exact: true }).click();
    const ageError = page().locator('#f-ageMax-error');
    await ageError.waitFor();
    expect(await page().locator('#f-ageMax').getAttribute('aria-invalid')).toBe('true');
    await page().locator('#f-ageMin').fill('');
    await page().locator('#f-ageMax').fill('');
    await page().getByRole('button', { name: '絞り込み', exact: true }).click();
    await ageError.waitFor({ state: 'detached' });
    await expect.poll(status).toMatch(/件を表示中/);
    const fieldLabel = (await page().locator('#f-field option:checked').textContent()) ?? '';
    const shown = await rows().locator('td:nth-child(5)').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set([fieldLabel]));
    await page().screenshot({ path: `${SHOTS_DIR}/workspace-partner-1280.png`, fullPage: true });
  });

  it('creates a job order, the API naming a bad headcount next to its input', async () => {
    await page().getByRole('link', { name: '求人', exact: true }).click();
    await page().getByRole('heading', { name: '求人', level: 1 }).waitFor();
    await page().getByRole('link', { name: '求人を作成' }).click();
    await page().getByRole('heading', { name: '求人を作成', level: 1 }).waitFor();
    await page().locator('#f-employerName').fill('株式会社岡山テスト製作所');
    await page().locator('#f-prefectureCode').selectOption('33');
    await page().locator('#f-municipality').fill('倉敷市');
    await page().locator('#f-program').selectOption('titp_1');
    await page().locator('#f-field').selectOption(field);
    await page().locator('#f-headcount').fill('0');
    await page().locator('#f-interviewOn').fill('2026年12月10日');
    await page().getByRole('button', { name: '求人を登録する' }).click();
    await page().locator('#f-headcount-error').waitFor();
    await expect.poll(() => page().evaluate(() => document.activeElement?.id)).toBe('f-headcount');
    await page().locator('#f-headcount').fill('2');
    await page().getByRole('button', { name: '求人を登録する' }).click();
    await page().getByRole('heading', { name: '株式会社岡山テスト製作所', level: 1 }).waitFor();
    orderUrl = page().url();
    expect(orderUrl).toMatch(/\/app\/job-orders\/[0-9a-f-]{36}$/);
    await expect.poll(status).toBe('求人（株式会社岡山テスト製作所）を登録しました。');
  });

  it('sees the matches with the score explained and selects one with contract terms', async () => {
    const matches = page().getByRole('region', { name: 'マッチング候補者' });
    await matches.locator('tbody tr').first().waitFor();
    const first = matches.locator('tbody tr').first();
    const code = ((await first.locator('td').first().textContent()) ?? '').trim();
    expect(code).toMatch(/^P-/);
    // The score and its parts: JLPT + courses + waiting add up to it.
    const score = Number(await first.locator('.pt-score strong').textContent());
    const parts = (await first.locator('.pt-parts').textContent()) ?? '';
    const m = /日本語 (\d+)＋講座 (\d+)＋待機 (\d+)/.exec(parts);
    expect(m).not.toBeNull();
    expect(Number(m![1]) + Number(m![2]) + Number(m![3])).toBe(score);
    await expectNoIdentity();

    await first.getByRole('button', { name: `${code} を選考する` }).click();
    const dialog = page().getByRole('dialog', { name: `候補者 ${code} の選考` });
    await dialog.waitFor();
    await dialog.locator('#f-contractStart').fill('2027年4月1日');
    await dialog.locator('#f-contractEnd').fill('2027年3月1日');
    await dialog.locator('#f-monthlyWageJpy').fill('210000');
    await dialog.getByRole('button', { name: '選考を確定' }).click();
    await dialog.locator('#f-contractEnd-error').waitFor();
    await dialog.locator('#f-contractEnd').fill('2030年3月31日');
    await dialog.getByRole('button', { name: '選考を確定' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(status).toBe(`${code} を選考しました。`);

    const selected = page().getByRole('region', { name: '選考済みの候補者' });
    await selected.locator('tbody tr').first().waitFor();
    expect(await selected.locator('tbody tr').count()).toBe(1);
    const row = selected.locator('tbody tr').first();
    expect(await row.textContent()).toContain('2027年4月1日 – 2030年3月31日');
    expect(await row.textContent()).toContain('210,000');
    // The placement made by the selection carries the terms.
    const [placement] = await w.t.database.db
      .select()
      .from(placements)
      .where(eq(placements.jobOrderId, orderUrl.split('/').pop()!));
    expect(placement).toMatchObject({
      contractStart: '2027-04-01',
      contractEnd: '2030-03-31',
      monthlyWageJpy: 210000,
      status: 'planned',
    });
    // The selected candidate no longer appears among the matches.
    await expect.poll(() => matches.locator('tbody tr td:first-child').allTextContents()).not.toContain(code);
  });

  it('prints the profile sheet, alone and as the batch of the order', async () => {
    const selected = page().getByRole('region', { name: '選考済みの候補者' });
    const name = await downloadPdf(() => selected.getByRole('button', { name: '履歴書を印刷' }).click());
    expect(name).toMatch(/\.pdf$/);
    await expect.poll(status).toBe(`${name} をダウンロードしました。`);
    await downloadPdf(() => page().getByRole('button', { name: '選考者全員の履歴書を印刷' }).click());
    await page().screenshot({ path: `${SHOTS_DIR}/workspace-partner-order-1280.png`, fullPage: true });
  });

  it("reads the selected candidate's record without national ID or phone", async () => {
    const selected = page().getByRole('region', { name: '選考済みの候補者' });
    await selected.locator('tbody tr td:first-child a').click();
    await page().getByText('身分証番号・電話番号は送出し側が管理し').waitFor();
    const h1 = (await page().locator('h1').textContent()) ?? '';
    const [cand] = await w.t.database.db
      .select()
      .from(candidates)
      .where(eq(candidates.code, h1.split(' — ')[1] ?? ''));
    expect(cand).toBeDefined();
    expect(h1).toBe(`${cand!.fullName} — ${cand!.code}`);
    selectedCode = cand!.code;
    const html = await page().content();
    expect(html).not.toContain(cand!.nationalId);
    if (cand!.phone) expect(html).not.toContain(cand!.phone);
    await expectNoIdentity();
    await downloadPdf(() => page().getByRole('button', { name: '履歴書を印刷' }).click());
  });

  it("edits the placement's terms, the residence card number checked by the API", async () => {
    await page().getByRole('link', { name: '配属・受入れ' }).first().click();
    await page().getByRole('heading', { name: '配属・受入れ', level: 1 }).waitFor();
    await page().getByRole('link', { name: '配属・受入れ' }).first().waitFor();
    await page().locator('#f-status').selectOption('planned');
    await page().getByRole('button', { name: '絞り込み', exact: true }).click();
    const planned = rows().filter({ hasText: selectedCode });
    await planned.first().waitFor();
    await planned.first().locator('td:first-child a').click();
    await page().getByRole('heading', { name: '契約条件・在留カード' }).waitFor();
    await page().locator('#f-supervisingOrg').fill('岡山国際協同組合');
    await page().locator('#f-residenceCardNo').fill('AB123');
    await page().getByRole('button', { name: '保存', exact: true }).click();
    await page().locator('#f-residenceCardNo-error').waitFor();
    await page().locator('#f-residenceCardNo').fill('ab12345678cd');
    await page().getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(status).toBe('保存しました。');
    await expect.poll(() => page().locator('#f-residenceCardNo').inputValue()).toBe('AB12345678CD');
    await expectNoIdentity();
  });

  it('lists the grievances about its placements and acknowledges an open one', async () => {
    await page().getByRole('link', { name: '苦情・相談' }).click();
    await page().getByRole('heading', { name: '苦情・相談', level: 1 }).waitFor();
    await rows().first().waitFor();
    const ack = page().getByRole('button', { name: '受付を確認' });
    const before = await ack.count();
    if (before > 0) {
      await ack.first().click();
      await expect.poll(status).toBe('苦情の受付を確認しました。');
      await expect.poll(() => ack.count()).toBe(before - 1);
    }
    expect(await rows().count()).toBeGreaterThan(0);
    await expectNoIdentity();
  });

  it('edits the order, the headcount checked by the API next to its input', async () => {
    await page().goto(orderUrl);
    await page().getByRole('button', { name: '求人内容を編集' }).click();
    const dialog = page().getByRole('dialog', { name: '求人内容を編集' });
    await dialog.locator('#f-headcount').fill('0');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.locator('#f-headcount-error').waitFor();
    await dialog.locator('#f-headcount').fill('3');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(status).toBe('保存しました。');
    await page().locator('dl.facts').getByText('1 / 3').waitFor();
  });

  it('closes the order with a reason', async () => {
    await page().getByRole('button', { name: '募集を終了' }).click();
    const dialog = page().getByRole('dialog', { name: '募集を終了' });
    await dialog.getByRole('button', { name: '募集を終了' }).click();
    await dialog.locator('#f-reason-error').waitFor();
    await dialog.locator('#f-reason').fill('採用計画の変更');
    await dialog.getByRole('button', { name: '募集を終了' }).click();
    await expect.poll(status).toBe('募集を終了しました。');
    await page().getByText('この求人は「募集終了」のため').waitFor();
  });

  it('fits a phone: screenshots at 390 px', async () => {
    await page().setViewportSize({ width: 390, height: 844 });
    await page().getByRole('button', { name: 'メニュー' }).click();
    await page().getByRole('link', { name: '候補者プール' }).click();
    await page().getByRole('heading', { name: '候補者プール', level: 1 }).waitFor();
    await rows().first().waitFor();
    await page().screenshot({ path: `${SHOTS_DIR}/workspace-partner-390.png`, fullPage: true });
    await page().goto(orderUrl);
    await page().getByRole('region', { name: '選考済みの候補者' }).locator('tbody tr').first().waitFor();
    await page().screenshot({ path: `${SHOTS_DIR}/workspace-partner-order-390.png`, fullPage: true });
    // Nothing wider than the screen but the tables' own scroll boxes.
    const overflow = await page().evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
  });
});
