import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/query.ts';
import * as t from '../src/db/schema.ts';
import { JOBS } from '../src/job-registry.ts';
import type { JobContext } from '../src/jobs/types.ts';
import { recordAudit } from '../src/modules/audit/audit.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

// 1 March 2026; with the default RETENTION_YEARS=5 the cut-off is 1 March 2021.
const NOW = new Date('2026-03-01T01:00:00Z');

let h: TestApp;
let ctx: (overrides?: Partial<JobContext['config']>) => JobContext;
/** The job as the registry hands it to the runner. */
const dataRetention = (c: JobContext) => JOBS.find((j) => j.name === 'data-retention')!.run(c);
type Candidate = typeof t.candidates.$inferSelect;
const c: Record<string, Candidate> = {};
let certificateId: string;

async function withdrawn(
  name: string,
  at: string,
  values: Partial<typeof t.candidates.$inferInsert> & { trainingCenterId: string },
) {
  const row = await h.seed.candidate({
    fullName: name,
    status: 'withdrawn',
    statusChangedAt: new Date(at),
    ...values,
  });
  await h.database.db.insert(t.candidateStatusHistory).values({
    candidateId: row.id,
    fromStatus: 'training',
    toStatus: 'withdrawn',
    at: new Date(at),
    reason: 'moved abroad',
  });
  return row;
}

const load = async (id: string) =>
  (await h.database.db.select().from(t.candidates).where(eq(t.candidates.id, id)))[0]!;

/** What the reports are built from, as a report would aggregate it. */
async function reportAggregates() {
  const byGroup = await queryRows(
    h.database.db,
    sql`select home_province_code, province_boundaries, home_province_2025, gender, occupation_field, status,
               training_center_id, count(*)::int as n
          from candidates group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7`,
  );
  const rollup = await queryRows(
    h.database.db,
    sql`select * from report_pipeline_rollup where candidates <> 0 order by 1, 2, 3`,
  );
  const admin = actors.admin();
  const pipeline = await h.request({ method: 'GET', url: '/reports/pipeline', as: admin });
  const share = await h.request({ method: 'GET', url: '/reports/province-share?boundaries=2008', as: admin });
  expect(pipeline.statusCode, pipeline.body).toBe(200);
  expect(share.statusCode, share.body).toBe(200);
  return { byGroup, rollup, pipeline: pipeline.json(), share: share.json() };
}

beforeAll(async () => {
  h = await createTestApp();
  ctx = (overrides = {}) => ({
    db: h.database.db,
    config: { ...h.app.services.config, ...overrides },
    now: NOW,
  });
  const center = await h.seed.center({ provinceCode: '80' });
  const other = await h.seed.center({ provinceCode: '01', serialPrefix: 'HN' });

  c.old = await withdrawn('Trần Thị Mai', '2020-06-01T03:00:00Z', {
    trainingCenterId: center.id,
    gender: 'female',
    homeProvinceCode: '80',
    provinceBoundaries: '2008',
    homeProvince2025: '80',
    phone: '0912345678',
    dateOfBirth: '1995-07-14',
  });
  // What the candidates module wrote when Mai registered: personal values in the trail.
  await recordAudit(h.database.db, {
    actorId: actors.center(center.id).id,
    action: 'create',
    entity: 'candidate',
    entityId: c.old.id,
    after: {
      code: c.old.code,
      fullName: c.old.fullName,
      nationalId: c.old.nationalId,
      phone: c.old.phone,
      dateOfBirth: c.old.dateOfBirth,
      status: 'registered',
    },
  });
  // Mai's language certificate keeps a copy of her name and birth date.
  const course = await h.seed.course({ trainingCenterId: center.id, kind: 'language' });
  const enrollment = await h.seed.enrollment({
    courseId: course.id,
    candidateId: c.old.id,
    outcome: 'passed',
  });
  const [certificate] = await h.database.db
    .insert(t.certificates)
    .values({
      serial: 'TN-2019-000001',
      verifyCode: 'retention-test-code',
      type: 'training_completion',
      enrollmentId: enrollment.id,
      candidateId: c.old.id,
      trainingCenterId: center.id,
      issuedOn: '2019-06-30',
      holderName: c.old.fullName,
      holderBirthDate: c.old.dateOfBirth,
      courseName: course.name,
      courseKind: 'language',
      courseHours: course.hours,
      courseStartsOn: course.startsOn,
      courseEndsOn: course.endsOn,
    })
    .returning();
  certificateId = certificate!.id;
  c.older = await withdrawn('Lê Văn Hùng', '2019-01-20T03:00:00Z', {
    trainingCenterId: other.id,
    homeProvinceCode: '01',
    phone: null,
    dateOfBirth: '1990-12-31',
  });
  c.fourYears = await withdrawn('Phạm Văn Nam', '2022-02-01T03:00:00Z', {
    trainingCenterId: center.id,
    phone: '0987654321',
  });
  c.ready = await h.seed.candidate({
    fullName: 'Võ Thị Lan',
    trainingCenterId: center.id,
    status: 'ready',
    statusChangedAt: new Date('2015-01-01T00:00:00Z'),
  });
  // A departed worker from Long An (2008 code 80): the province-share report has something to show.
  const departed = await h.seed.candidate({
    trainingCenterId: center.id,
    homeProvinceCode: '80',
    provinceBoundaries: '2008',
    homeProvince2025: '80',
    status: 'departed',
  });
  await h.database.db.insert(t.placements).values({
    candidateId: departed.id,
    destinationCountry: 'JP',
    prefectureCode: '33',
    employerName: '株式会社岡山',
    program: 'titp_1',
    field: 'construction',
    status: 'departed',
    departedOn: '2023-04-01',
    contractStart: '2023-04-01',
    contractEnd: '2026-04-01',
  });
});

afterAll(async () => {
  await h?.close();
});

describe('data retention', () => {
  let before: Awaited<ReturnType<typeof reportAggregates>>;

  it('anonymises only candidates withdrawn more than five years ago', async () => {
    before = await reportAggregates();
    expect(before.share.rows.length).toBeGreaterThan(0);
    expect(before.pipeline.rows.length).toBeGreaterThan(0);
    const now = ctx().now.getTime();
    await h.database.db.insert(t.rateLimits).values([
      { key: 'closed-window', hits: 3, expiresAt: new Date(now - 60_000) },
      { key: 'open-window', hits: 1, expiresAt: new Date(now + 60_000) },
    ]);
    const result = await dataRetention(ctx());
    expect(result.counts).toEqual({
      anonymised: 2,
      nationalIdsRemoved: 2,
      phonesRemoved: 1,
      auditEntriesRedacted: 1,
      rateLimitCountersRemoved: 1,
    });
    expect((await h.database.db.select().from(t.rateLimits)).map((r) => r.key)).toEqual(['open-window']);

    const old = await load(c.old!.id);
    expect(old).toMatchObject({
      fullName: `Ẩn danh ${c.old!.code}`,
      nameSearch: `an danh ${c.old!.code.toLowerCase()}`,
      nationalId: null,
      phone: null,
      dateOfBirth: '1995-01-01',
      version: c.old!.version + 1,
      // What the reports read is untouched.
      status: 'withdrawn',
      gender: 'female',
      homeProvinceCode: '80',
      provinceBoundaries: '2008',
      homeProvince2025: '80',
      occupationField: c.old!.occupationField,
      trainingCenterId: c.old!.trainingCenterId,
    });
    expect(old.anonymisedAt?.toISOString()).toBe(NOW.toISOString());
    const [certificate] = await h.database.db
      .select()
      .from(t.certificates)
      .where(eq(t.certificates.id, certificateId));
    expect(certificate).toMatchObject({
      holderName: `Ẩn danh ${c.old!.code}`,
      holderBirthDate: '1995-01-01',
    });
    expect(await load(c.older!.id)).toMatchObject({ nationalId: null, dateOfBirth: '1990-01-01' });

    // Withdrawn four years ago, and not withdrawn at all: exactly as they were.
    expect(await load(c.fourYears!.id)).toEqual(c.fourYears);
    expect(await load(c.ready!.id)).toEqual(c.ready);
  });

  it('leaves every report as it was', async () => {
    expect(await reportAggregates()).toEqual(before);
  });

  it('writes one audit entry per candidate that names the removed fields, and strips the values from the trail', async () => {
    const res = await h.request({
      method: 'GET',
      url: `/audit?entity=candidate&entityId=${c.old!.id}`,
      as: actors.admin(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const { items } = res.json();
    expect(items).toHaveLength(2);
    // The registration entry stays (who registered her, when), without the personal values.
    expect(items[1]).toMatchObject({ action: 'create', after: { code: c.old!.code, status: 'registered' } });
    expect(Object.keys(items[1].after).sort()).toEqual(['code', 'status']);
    expect(items[0]).toMatchObject({
      action: 'anonymise',
      actorId: null,
      entity: 'candidate',
      after: {
        removed: ['fullName', 'nameSearch', 'nationalId', 'phone'],
        dateOfBirth: 'reduced to the year',
      },
    });
    const trail = JSON.stringify(items);
    for (const secret of ['Trần Thị Mai', c.old!.nationalId!, '0912345678', '1995-07-14']) {
      expect(trail).not.toContain(secret);
    }

    // The one without a phone number does not claim a phone was removed.
    const older = await h.request({
      method: 'GET',
      url: `/audit?entity=candidate&entityId=${c.older!.id}`,
      as: actors.admin(),
    });
    expect(older.json().items[0].after.removed).toEqual(['fullName', 'nameSearch', 'nationalId']);
  });

  it('the audit log pages through anonymisations by entity', async () => {
    const first = await h.request({
      method: 'GET',
      url: '/audit?entity=candidate&limit=1',
      as: actors.admin(),
    });
    const page1 = first.json();
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await h.request({
      method: 'GET',
      url: `/audit?entity=candidate&limit=1&cursor=${page1.nextCursor}`,
      as: actors.admin(),
    });
    const page2 = second.json();
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0].entityId).not.toBe(page1.items[0].entityId);
    expect(new Set([page1.items[0].entityId, page2.items[0].entityId])).toEqual(
      new Set([c.old!.id, c.older!.id]),
    );
  });

  it('does nothing more on the next run', async () => {
    const again = await dataRetention(ctx());
    expect(again.counts.anonymised).toBe(0);
    const [row] = await queryRows<{ n: number }>(
      h.database.db,
      sql`select count(*)::int as n from audit_log where action = 'anonymise'`,
    );
    expect(row!.n).toBe(2);
  });

  it('follows RETENTION_YEARS', async () => {
    const result = await dataRetention(ctx({ retentionYears: 3 }));
    expect(result.counts.anonymised).toBe(1);
    expect(await load(c.fourYears!.id)).toMatchObject({
      fullName: `Ẩn danh ${c.fourYears!.code}`,
      phone: null,
    });
    expect(await load(c.ready!.id)).toEqual(c.ready);
    expect(await reportAggregates()).toEqual(before);
  });
});
