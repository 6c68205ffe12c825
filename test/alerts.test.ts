import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/query.ts';
import * as t from '../src/db/schema.ts';
import type { JobContext } from '../src/jobs/types.ts';
import { createTranslator } from '../src/lib/translate.ts';
import { deadlineAlerts } from '../src/modules/operations/operations.jobs.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

// 1 March 2026, 08:00 in Viet Nam.
const NOW = new Date('2026-03-01T01:00:00Z');

let h: TestApp;
let ctx: (now: Date) => JobContext;
const ids: Record<string, string> = {};

interface AlertItem {
  id: string;
  kind: string;
  thresholdDays: number;
  dueOn: string;
  message: string;
  candidateCode: string | null;
  placementId: string | null;
  jobOrderId: string | null;
  subjectId: string;
  details: Record<string, unknown>;
  status: string;
  closedBy: string | null;
  closeNote: string | null;
}

async function listAlerts(as: ReturnType<typeof actors.admin>, query = '') {
  const res = await h.request({ method: 'GET', url: `/alerts${query}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: AlertItem[]; nextCursor: string | null };
}

async function placement(values: Partial<typeof t.placements.$inferInsert> & { candidateId: string }) {
  const [row] = await h.database.db
    .insert(t.placements)
    .values({
      destinationCountry: 'JP',
      prefectureCode: '33',
      employerName: '株式会社岡山建設',
      program: 'ssw_1',
      field: 'construction',
      ...values,
    })
    .returning();
  return row!;
}

beforeAll(async () => {
  h = await createTestApp();
  const { seed } = h;
  const db = h.database.db;
  ctx = (now) => ({ db, config: h.app.services.config, now });

  const centerA = await seed.center({ provinceCode: '80' });
  const centerB = await seed.center({ provinceCode: '01', serialPrefix: 'HN' });
  const p1 = await seed.partner();
  const p2 = await seed.partner();
  Object.assign(ids, { centerA: centerA.id, centerB: centerB.id, p1: p1.id, p2: p2.id });

  // Reintegration suggestions: only Japanese-invested Tây Ninh (80) firms in construction qualify for a
  // Tây Ninh returnee.
  const match = await seed.homeEmployer({
    name: 'Công ty Xây dựng Nhật Long Hậu',
    provinceCode: '80',
    sector: 'construction',
  });
  await seed.homeEmployer({ name: 'Công ty Thực phẩm', provinceCode: '80', sector: 'food_manufacturing' });
  // Same province and sector, but Korean-invested: not a Japanese-invested firm to suggest.
  await seed.homeEmployer({
    name: 'Công ty Hàn Quốc',
    provinceCode: '80',
    sector: 'construction',
    investorCountry: 'KR',
  });
  await seed.homeEmployer({ name: 'Công ty Xây dựng Hà Nội', provinceCode: '01', sector: 'construction' });
  ids.matchEmployer = match.id;

  const order1 = await seed.jobOrder({ partnerId: p1.id, departureBy: '2026-03-20' });
  ids.order1 = order1.id;

  // Departed, contract ends 15 May 2026 (75 days): the 90-day alert.
  const c1 = await seed.candidate({
    trainingCenterId: centerA.id,
    homeProvinceCode: '80',
    status: 'departed',
  });
  ids.c1 = c1.id;
  ids.pl1 = (
    await placement({
      candidateId: c1.id,
      jobOrderId: order1.id,
      status: 'departed',
      departedOn: '2025-05-01',
      contractStart: '2025-05-15',
      contractEnd: '2026-05-15',
    })
  ).id;

  // Departed, contract ends 20 March 2026 (19 days): the 30-day alert only.
  const c2 = await seed.candidate({
    trainingCenterId: centerB.id,
    homeProvinceCode: '01',
    status: 'departed',
  });
  ids.c2 = c2.id;
  ids.pl2 = (
    await placement({
      candidateId: c2.id,
      status: 'departed',
      departedOn: '2023-03-01',
      contractStart: '2023-03-20',
      contractEnd: '2026-03-20',
    })
  ).id;

  // Departed, contract ends in December: nothing yet.
  const c3 = await seed.candidate({ trainingCenterId: centerA.id, status: 'departed' });
  await placement({
    candidateId: c3.id,
    status: 'departed',
    departedOn: '2025-12-01',
    contractStart: '2025-12-31',
    contractEnd: '2026-12-31',
  });

  // Selected for order1 (departure by 20 March), no orientation course passed.
  const c4 = await seed.candidate({ trainingCenterId: centerA.id, status: 'selected' });
  ids.c4 = c4.id;
  await placement({
    candidateId: c4.id,
    jobOrderId: order1.id,
    contractStart: '2026-04-01',
    contractEnd: '2029-04-01',
  });

  // Planned to start 15 March but has passed orientation: no alert.
  const c5 = await seed.candidate({ trainingCenterId: centerA.id, status: 'selected' });
  const orientation = await seed.course({ trainingCenterId: centerA.id, kind: 'orientation' });
  await db.insert(t.enrollments).values({ courseId: orientation.id, candidateId: c5.id, outcome: 'passed' });
  await placement({ candidateId: c5.id, contractStart: '2026-03-15', contractEnd: '2029-03-15' });

  // Planned to start 15 March, only a language course passed: alert (no job order, so no partner).
  const c5b = await seed.candidate({
    trainingCenterId: centerB.id,
    homeProvinceCode: '01',
    status: 'selected',
  });
  ids.c5b = c5b.id;
  const language = await seed.course({ trainingCenterId: centerB.id, kind: 'language' });
  await db.insert(t.enrollments).values({ courseId: language.id, candidateId: c5b.id, outcome: 'passed' });
  ids.pl5b = (
    await placement({ candidateId: c5b.id, contractStart: '2026-03-15', contractEnd: '2029-03-15' })
  ).id;

  // Interview passed on 15 February with nobody selected: alert for partner 2.
  ids.order2 = (await seed.jobOrder({ partnerId: p2.id, interviewOn: '2026-02-15' })).id;
  // Interview passed but a candidate was selected: no alert.
  const order3 = await seed.jobOrder({ partnerId: p2.id, interviewOn: '2026-02-15' });
  const c8 = await seed.candidate({ trainingCenterId: centerB.id, status: 'selected' });
  await placement({
    candidateId: c8.id,
    jobOrderId: order3.id,
    contractStart: '2026-09-01',
    contractEnd: '2029-09-01',
  });
  // Interview in May: no alert.
  await seed.jobOrder({ partnerId: p2.id, interviewOn: '2026-05-08' });

  // Ready since August 2025 (more than 180 days): alert. Ready since January: none.
  const c6 = await seed.candidate({
    trainingCenterId: centerB.id,
    homeProvinceCode: '01',
    status: 'ready',
    statusChangedAt: new Date('2025-08-01T03:00:00Z'),
  });
  ids.c6 = c6.id;
  await seed.candidate({
    trainingCenterId: centerB.id,
    status: 'ready',
    statusChangedAt: new Date('2026-01-01T03:00:00Z'),
  });
});

afterAll(async () => {
  await h?.close();
});

describe('deadline alerts', () => {
  it('raises each alert once, however often the job runs', async () => {
    const first = await deadlineAlerts(ctx(NOW));
    expect(first.counts).toEqual({
      contractEnding90: 1,
      contractEnding30: 1,
      residenceCardExpiring90: 0,
      residenceCardExpiring30: 0,
      departureWithoutOrientation: 2,
      interviewWithoutSelection: 1,
      readyTooLong: 1,
    });
    const again = await deadlineAlerts(ctx(NOW));
    const nextDay = await deadlineAlerts(ctx(new Date('2026-03-02T01:00:00Z')));
    for (const run of [again, nextDay]) expect(Object.values(run.counts).every((n) => n === 0)).toBe(true);

    const [row] = await queryRows<{ n: number }>(h.database.db, sql`select count(*)::int as n from alerts`);
    expect(row!.n).toBe(6);
  });

  it('raises the 30-day alert when a contract that had its 90-day alert comes within 30 days', async () => {
    const later = await deadlineAlerts(ctx(new Date('2026-04-20T01:00:00Z')));
    expect(later.counts.contractEnding30).toBe(1);
    const { items } = await listAlerts(actors.admin(), '?kind=contract_ending');
    const forPl1 = items.filter((a) => a.placementId === ids.pl1).map((a) => a.thresholdDays);
    expect(forPl1.sort()).toEqual([30, 90]);
  });

  it('suggests home employers in the returnee’s province and field to plan reintegration', async () => {
    const { items } = await listAlerts(actors.admin(), '?kind=contract_ending');
    const alert = items.find((a) => a.placementId === ids.pl1 && a.thresholdDays === 90)!;
    expect(alert.dueOn).toBe('2026-05-15');
    const suggested = alert.details.suggestedHomeEmployers as { id: string; name: string }[];
    expect(suggested.map((s) => s.id)).toEqual([ids.matchEmployer]);
    expect(alert.message).toContain(alert.candidateCode!);
  });

  it('names the candidates with a planned departure and no orientation course', async () => {
    const { items } = await listAlerts(actors.admin(), '?kind=departure_without_orientation');
    const byDue = Object.fromEntries(items.map((a) => [a.dueOn, a.details]));
    // c4: the job order's departure date (20 March) comes before the contract start (1 April).
    expect(Object.keys(byDue).sort()).toEqual(['2026-03-15', '2026-03-20']);
    expect(byDue['2026-03-20']).toMatchObject({ departureBy: '2026-03-20', contractStart: '2026-04-01' });
  });

  it('flags an interview that passed with nobody selected, and a candidate ready for over 180 days', async () => {
    const interviews = await listAlerts(actors.admin(), '?kind=interview_without_selection');
    expect(interviews.items.map((a) => a.jobOrderId)).toEqual([ids.order2]);
    const ready = await listAlerts(actors.admin(), '?kind=ready_too_long');
    expect(ready.items.map((a) => a.subjectId)).toEqual([ids.c6]);
    expect(ready.items[0]!.dueOn).toBe('2026-01-28');
  });

  it('every alert raised reads in Vietnamese and Japanese too (its kind and its message)', async () => {
    const raised = await queryRows<{ kind: string; message: string }>(
      h.database.db,
      sql`select distinct ${t.alerts.kind} as kind, ${t.alerts.message} as message from ${t.alerts}`,
    );
    expect(new Set(raised.map((a) => a.kind)).size).toBeGreaterThanOrEqual(4);
    const json = (name: string) =>
      JSON.parse(readFileSync(new URL(`../templates/${name}`, import.meta.url), 'utf8'));
    const translator = createTranslator({ alerts: json('problems.json').alerts });
    const kinds = json('vocabulary.json').alertKinds as Record<string, unknown>;
    for (const { kind, message } of raised) {
      expect(kinds[kind], kind).toBeDefined();
      const matched = translator.match(message);
      expect(matched?.en, message).toBeDefined();
      for (const lang of ['vi', 'ja'] as const) {
        const text = translator.localise(message, lang);
        expect(text, message).not.toBe(message);
        // The values are carried over (the candidate's code, the employer, the date).
        for (const value of Object.values(matched!.values)) expect(text).toContain(value);
      }
    }
  });
});

describe('who reads which alerts', () => {
  it('an admin reads every alert', async () => {
    const { items } = await listAlerts(actors.admin());
    expect(items).toHaveLength(7);
  });

  it("a training center reads its own trainees' alerts only", async () => {
    const a = await listAlerts(actors.center(ids.centerA!));
    const b = await listAlerts(actors.center(ids.centerB!));
    const codes = async (cid: string) =>
      (
        await h.database.db
          .select({ code: t.candidates.code })
          .from(t.candidates)
          .where(eq(t.candidates.id, cid))
      )[0]!.code;
    expect(new Set(a.items.map((x) => x.candidateCode))).toEqual(
      new Set([await codes(ids.c1!), await codes(ids.c4!)]),
    );
    expect(new Set(b.items.map((x) => x.candidateCode))).toEqual(
      new Set([await codes(ids.c2!), await codes(ids.c5b!), await codes(ids.c6!)]),
    );
    expect(a.items).toHaveLength(3); // c1's 90- and 30-day alerts and c4's departure
  });

  it("a province officer reads the alerts of its province's candidates", async () => {
    const hanoi = await listAlerts(actors.province('01'));
    expect(new Set(hanoi.items.map((a) => a.subjectId))).toEqual(new Set([ids.pl2, ids.pl5b, ids.c6]));
    const hue = await listAlerts(actors.province('46'));
    expect(hue.items).toEqual([]);
  });

  it("a partner reads alerts on its own job orders and their placements, nobody else's", async () => {
    const p1 = await listAlerts(actors.partner(ids.p1!));
    expect(p1.items.map((a) => a.kind).sort()).toEqual([
      'contract_ending',
      'contract_ending',
      'departure_without_orientation',
    ]);
    const p2 = await listAlerts(actors.partner(ids.p2!));
    expect(p2.items.map((a) => a.jobOrderId)).toEqual([ids.order2]);
  });

  it('pages through alerts with a cursor without repeating or losing one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AlertItem[]; nextCursor: string | null } = await listAlerts(
        actors.admin(),
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('refuses an unknown kind or status with a 400 naming the field', async () => {
    const res = await h.request({ method: 'GET', url: '/alerts?kind=fire&status=maybe', as: actors.admin() });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['kind', 'status']));
  });
});

describe('closing an alert', () => {
  it('a center closes its trainee’s alert; it leaves the open list and shows under closed', async () => {
    const [alert] = (await listAlerts(actors.center(ids.centerA!), '?kind=departure_without_orientation'))
      .items;
    const res = await h.request({
      method: 'POST',
      url: `/alerts/${alert!.id}/close`,
      payload: { note: 'Enrolled in the March orientation course' },
      as: actors.center(ids.centerA!),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'closed',
      closeNote: 'Enrolled in the March orientation course',
    });

    const open = await listAlerts(actors.center(ids.centerA!));
    expect(open.items.map((a) => a.id)).not.toContain(alert!.id);
    const closed = await listAlerts(actors.center(ids.centerA!), '?status=closed');
    expect(closed.items.map((a) => a.id)).toEqual([alert!.id]);

    const twice = await h.request({
      method: 'POST',
      url: `/alerts/${alert!.id}/close`,
      payload: {},
      as: actors.admin(),
    });
    expect(twice.statusCode).toBe(409);

    // The job does not raise it again.
    await deadlineAlerts(ctx(NOW));
    expect((await listAlerts(actors.center(ids.centerA!))).items.map((a) => a.id)).not.toContain(alert!.id);
  });

  it("another center cannot close (or learn of) a center's alert", async () => {
    const [alert] = (await listAlerts(actors.center(ids.centerA!))).items;
    const res = await h.request({
      method: 'POST',
      url: `/alerts/${alert!.id}/close`,
      as: actors.center(ids.centerB!),
    });
    expect(res.statusCode).toBe(404);
    const unknown = await h.request({
      method: 'POST',
      url: '/alerts/00000000-0000-4000-8000-00000000dead/close',
      as: actors.admin(),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('needs a token to read alerts', async () => {
    const res = await h.request({ method: 'GET', url: '/alerts' });
    expect(res.statusCode).toBe(401);
  });
});
