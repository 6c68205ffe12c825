import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { grievances } from '../../src/db/schema.ts';
import { actors } from '../helpers/seed.ts';
import { signIn, type Workspace, workspaceForFile } from './browser.ts';

/*
 * A grievance filed from a placement's page: by the partner of the placement (in Japanese), with the
 * API's field errors under their inputs, and by the training center (in Vietnamese); then the course
 * page lists its certificates with one request (GET /certificates?courseId=). No demo data: one
 * center, its trainees and courses, one partner's order and its placement.
 */

let w: Workspace;
let placementId: string;
let candidateId: string;
let courseId: string;
const PARTNER = { email: 'staff@okayama-kumiai.example.jp', password: 'okayama-grievance-2026' };
const CENTER = { email: 'clerk@longan-center.example.vn', password: 'long-an-grievance-2026' };

workspaceForFile(
  {},
  async (opened) => {
    w = opened;
    const { seed } = w.t;
    const users = w.t.app.services.users;
    const center = await seed.center({ provinceCode: '80' });
    const partner = await seed.partner();
    const candidate = await seed.candidate({ trainingCenterId: center.id });
    const order = await seed.jobOrder({ partnerId: partner.id });
    const placement = await seed.placement({ candidateId: candidate.id, jobOrderId: order.id });
    placementId = placement.id;
    // Two certificates of one course, one of another course (which the first course's page must not count).
    const [course, other] = [
      await seed.course({ trainingCenterId: center.id }),
      await seed.course({ trainingCenterId: center.id }),
    ];
    courseId = course.id;
    for (const c of [course, other, course]) {
      const trainee = await seed.candidate({ trainingCenterId: center.id });
      const e = await seed.enrollment({
        courseId: c.id,
        candidateId: trainee.id,
        outcome: 'passed',
        score: 80,
      });
      await w.t.app.services.documents.issue(actors.center(center.id), { enrollmentId: e.id });
    }
    candidateId = candidate.id;
    await users.create(null, { ...PARTNER, role: 'partner', partnerId: partner.id });
    await users.create(null, { ...CENTER, role: 'center', trainingCenterId: center.id });
  },
  120_000,
);

const page = () => w.page;
const status = () => page().locator('#live-status').textContent();
const filed = () => w.t.database.db.select().from(grievances).where(eq(grievances.candidateId, candidateId));

describe('filing a grievance from a placement', () => {
  it('the partner files one; the API names the missing fields under their inputs', async () => {
    await signIn(page(), w.base, PARTNER.email, PARTNER.password);
    await page().locator('nav').first().waitFor();
    await page().goto(`${w.base}/app/placements/${placementId}`);
    await page().getByRole('heading', { name: '苦情・相談の受付' }).waitFor();
    await page().getByRole('button', { name: '受け付ける', exact: true }).click();
    await page().locator('#f-grievanceCategory-error').waitFor();
    await page().locator('#f-grievanceDescription-error').waitFor();
    await page().locator('#f-grievanceReceivedVia-error').waitFor();
    expect(await filed()).toEqual([]);

    await page().locator('#f-grievanceCategory').selectOption('wage_unpaid');
    await page().locator('#f-grievanceDescription').fill('3月分の残業代が支払われていない');
    await page().locator('#f-grievanceReceivedVia').fill('電話');
    await page().getByRole('button', { name: '受け付ける', exact: true }).click();
    await expect.poll(status).toContain('苦情を受け付けました。');
    const rows = await filed();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: 'wage_unpaid', receivedVia: '電話' });
    expect(await page().locator('#f-grievanceDescription').inputValue()).toBe('');
  });

  it('the training center files one from its placement page', async () => {
    await page().evaluate(() => sessionStorage.clear());
    await signIn(page(), w.base, CENTER.email, CENTER.password);
    await page().locator('nav').first().waitFor();
    await page().goto(`${w.base}/app/placements/${placementId}`);
    await page().getByRole('heading', { name: 'Ghi nhận khiếu nại' }).waitFor();
    await page().locator('#f-grievanceCategory').selectOption('housing');
    await page().locator('#f-grievanceDescription').fill('Ký túc xá quá chật');
    await page().locator('#f-grievanceReceivedVia').fill('Gặp trực tiếp');
    await page().getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await expect.poll(status).toContain('Đã ghi nhận khiếu nại');
    expect((await filed()).map((g) => g.category).sort()).toEqual(['housing', 'wage_unpaid']);
  });

  it("the course page asks for the course's certificates once and prints them as one PDF", async () => {
    const lists: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (new URL(r.url()).pathname === '/certificates') lists.push(new URL(r.url()).search);
    };
    page().on('request', onRequest);
    await page().goto(`${w.base}/app/courses/${courseId}`);
    const batch = page().getByRole('button', { name: 'In 2 chứng nhận của khóa' });
    await batch.waitFor();
    page().off('request', onRequest);
    expect(lists).toEqual([`?courseId=${courseId}&limit=500`]);
    const [pdf] = await Promise.all([page().waitForEvent('download'), batch.click()]);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});
