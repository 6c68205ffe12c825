import { eq, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

/**
 * Every list pages through rows that share their sort key. Three rows per list are given one
 * sort value — two of them identical to the microsecond, the third one microsecond later, within
 * the same JavaScript millisecond — and the list is read with limit=1: every row must come exactly
 * once. A cursor this service did not issue is a 400 naming `cursor`, never a 500.
 */

let h: TestApp;
let centerId: string;
let partnerId: string;
let admin: Actor;
let center: Actor;
let partner: Actor;

/** The microsecond timestamps three rows share (one JS millisecond). */
const STAMPS = [
  '2026-03-01 10:00:00.123456+00',
  '2026-03-01 10:00:00.123456+00',
  '2026-03-01 10:00:00.123789+00',
];

async function stamp(table: PgTable & { id: SQL | unknown }, column: string, ids: string[]) {
  for (const [i, id] of ids.entries()) {
    await h.database.db.execute(
      sql`update ${table} set ${sql.identifier(column)} = ${STAMPS[i]}::timestamptz where id = ${id}`,
    );
  }
}

/** Reads a list to its end with limit=1 and answers the ids in the order served. */
async function pageAll(
  url: string,
  as: Actor,
  pick: (item: Record<string, unknown>) => string = (i) => String(i.id),
) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await h.request({
      method: 'GET',
      url: `${url}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      as,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
    seen.push(...body.items.map(pick));
    cursor = body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error(`${url} did not end`);
}

const BAD_CURSORS = [
  'not-base64-json',
  Buffer.from('["2026-13-45T99:99:99.000000Z","x"]').toString('base64url'),
  Buffer.from('[1,2,3,4,5]').toString('base64url'),
  Buffer.from('{"a":1}').toString('base64url'),
  Buffer.from('[1]').toString('base64url'),
];

beforeAll(async () => {
  h = await createTestApp();
  const c = await h.seed.center({ provinceCode: '80', serialPrefix: 'PG' });
  centerId = c.id;
  const p = await h.seed.partner();
  partnerId = p.id;
  admin = actors.admin();
  center = actors.center(centerId);
  partner = actors.partner(partnerId);
});
afterAll(() => h?.close());

interface ListCase {
  url: () => string;
  as: () => Actor;
  /** Makes three rows sharing the list's sort key; answers their ids (as the list shows them). */
  make(): Promise<string[]>;
  pick?: (item: Record<string, unknown>) => string;
}

const threeCandidates = async (status: 'ready' | 'registered' = 'registered') => {
  const rows = [];
  for (let i = 0; i < 3; i++) rows.push(await h.seed.candidate({ trainingCenterId: centerId, status }));
  return rows;
};

let sharedCourseId = '';
let sharedCandidateId = '';
let sharedOrderId = '';

const lists: Record<string, ListCase> = {
  'GET /candidates': {
    url: () => '/candidates',
    as: () => center,
    async make() {
      const ids = (await threeCandidates()).map((c) => c.id);
      await stamp(t.candidates, 'created_at', ids);
      return ids;
    },
  },
  'GET /placements': {
    url: () => '/placements',
    as: () => center,
    async make() {
      const ids = [];
      for (const c of await threeCandidates('ready'))
        ids.push((await h.seed.placement({ candidateId: c.id })).id);
      await stamp(t.placements, 'created_at', ids);
      return ids;
    },
  },
  'GET /job-orders': {
    url: () => '/job-orders',
    as: () => partner,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await h.seed.jobOrder({ partnerId })).id);
      await stamp(t.jobOrders, 'created_at', ids);
      return ids;
    },
  },
  'GET /certificates': {
    url: () => '/certificates',
    as: () => center,
    async make() {
      const course = await h.seed.course({ trainingCenterId: centerId });
      const ids = [];
      for (const c of await threeCandidates()) {
        const e = await h.seed.enrollment({
          courseId: course.id,
          candidateId: c.id,
          outcome: 'passed',
          score: 80,
        });
        const res = await h.request({
          method: 'POST',
          url: '/certificates',
          as: center,
          payload: { enrollmentId: e.id },
        });
        expect(res.statusCode, res.body).toBe(201);
        ids.push(res.json().id as string);
      }
      await stamp(t.certificates, 'created_at', ids);
      return ids;
    },
  },
  'GET /alerts': {
    url: () => '/alerts',
    as: () => center,
    async make() {
      const ids = [];
      for (const [i, c] of (await threeCandidates('ready')).entries()) {
        const [row] = await h.database.db
          .insert(t.alerts)
          .values({
            kind: 'ready_too_long',
            subjectType: 'candidate',
            subjectId: c.id,
            thresholdDays: 180,
            dueOn: `2026-01-0${i + 1}`,
            message: 'test',
            candidateId: c.id,
            trainingCenterId: centerId,
            provinceCode2025: '80',
          })
          .returning();
        ids.push(row!.id);
      }
      await stamp(t.alerts, 'raised_at', ids);
      return ids;
    },
  },
  'GET /courses': {
    url: () => '/courses',
    as: () => center,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (await h.seed.course({ trainingCenterId: centerId, startsOn: '2031-02-03', endsOn: '2031-06-30' }))
            .id,
        );
      sharedCourseId = ids[0]!;
      return ids;
    },
  },
  'GET /courses/:id/enrollments': {
    url: () => `/courses/${sharedCourseId}/enrollments`,
    as: () => center,
    async make() {
      const course = await h.seed.course({ trainingCenterId: centerId });
      sharedCourseId = course.id;
      const ids = [];
      for (const c of await threeCandidates())
        ids.push((await h.seed.enrollment({ courseId: course.id, candidateId: c.id })).id);
      return ids;
    },
  },
  'GET /candidates/:id/enrollments': {
    url: () => `/candidates/${sharedCandidateId}/enrollments`,
    as: () => center,
    async make() {
      const [c] = await threeCandidates();
      sharedCandidateId = c!.id;
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const course = await h.seed.course({
          trainingCenterId: centerId,
          startsOn: '2030-05-06',
          endsOn: '2030-09-30',
        });
        ids.push((await h.seed.enrollment({ courseId: course.id, candidateId: c!.id })).id);
      }
      return ids;
    },
  },
  'GET /training-centers': {
    url: () => '/training-centers',
    as: () => admin,
    async make() {
      const ids = [];
      for (const p of ['PA', 'PB', 'PC'])
        ids.push((await h.seed.center({ name: 'Trung tâm Trùng Tên', serialPrefix: p })).id);
      return ids;
    },
  },
  'GET /partners': {
    url: () => '/partners',
    as: () => admin,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await h.seed.partner({ name: 'Same Name Kumiai' })).id);
      return ids;
    },
  },
  'GET /home-employers': {
    url: () => '/home-employers',
    as: () => admin,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await h.seed.homeEmployer({ name: 'Same Name Co.' })).id);
      return ids;
    },
  },
  'GET /agreements': {
    url: () => '/agreements',
    as: () => admin,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const [row] = await h.database.db
          .insert(t.agreements)
          .values({
            provinceCode: '80',
            province2025: '80',
            partnerId,
            kind: 'mou',
            signedOn: '2024-07-01',
          })
          .returning();
        ids.push(row!.id);
      }
      return ids;
    },
  },
  'GET /users': {
    url: () => '/users?role=province',
    as: () => admin,
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const [row] = await h.database.db
          .insert(t.users)
          .values({ email: `pager${i}@example.org`, passwordHash: 'x', role: 'province', provinceCode: '80' })
          .returning();
        ids.push(row!.id);
      }
      return ids;
    },
  },
  'GET /pool': {
    url: () => '/pool?field=shipbuilding',
    as: () => partner,
    pick: (item) => String(item.code),
    async make() {
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const c = await h.seed.candidate({
          trainingCenterId: centerId,
          status: 'ready',
          occupationField: 'shipbuilding',
        });
        codes.push(c.poolCode);
      }
      return codes;
    },
  },
  'GET /job-orders/:id/matches': {
    url: () => `/job-orders/${sharedOrderId}/matches`,
    as: () => partner,
    pick: (item) => String(item.code),
    async make() {
      sharedOrderId = (await h.seed.jobOrder({ partnerId, field: 'fishery' })).id;
      const codes = [];
      // Equal scores: the same JLPT level, no courses, ready since the same moment.
      for (let i = 0; i < 3; i++) {
        const c = await h.seed.candidate({
          trainingCenterId: centerId,
          status: 'ready',
          occupationField: 'fishery',
          jlptLevel: 'N4',
          statusChangedAt: new Date('2026-11-01T00:00:00Z'),
        });
        codes.push(c.poolCode);
      }
      return codes;
    },
  },
  'GET /audit': {
    url: () => '/audit?entity=candidate',
    as: () => admin,
    pick: (item) => JSON.stringify(item.after),
    async make() {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const [row] = await h.database.db
          .insert(t.auditLog)
          .values({
            actorId: admin.id,
            action: 'update',
            entity: 'candidate',
            entityId: centerId,
            after: { n: i },
          })
          .returning();
        ids.push(JSON.stringify(row!.after));
      }
      await h.database.db.execute(
        sql`update ${t.auditLog} set at = ${STAMPS[0]}::timestamptz where ${t.auditLog.entity} = 'candidate'`,
      );
      return ids;
    },
  },
};

describe('every list pages through rows that share their sort key, one at a time', () => {
  for (const [name, list] of Object.entries(lists)) {
    it(`${name} serves each row once with limit=1`, async () => {
      const made = await list.make();
      const seen = await pageAll(list.url(), list.as(), list.pick);
      for (const id of made)
        expect(
          seen.filter((s) => s === id),
          `${name}: ${id}`,
        ).toHaveLength(1);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it(`${name} answers a forged cursor with a 400 naming cursor`, async () => {
      for (const cursor of BAD_CURSORS) {
        const sep = list.url().includes('?') ? '&' : '?';
        const res = await h.request({
          method: 'GET',
          url: `${list.url()}${sep}cursor=${encodeURIComponent(cursor)}`,
          as: list.as(),
        });
        expect(res.statusCode, `${name} ${cursor}: ${res.body}`).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
      }
    });
  }

  it('a center token sees only its own rows on every page (the scope holds across pages)', async () => {
    const other = await h.seed.center({ provinceCode: '80', serialPrefix: 'PZ' });
    const foreign = await h.seed.candidate({ trainingCenterId: other.id });
    await h.database.db
      .update(t.candidates)
      .set({ createdAt: new Date('2026-03-01T10:00:00.123Z') })
      .where(eq(t.candidates.id, foreign.id));
    const seen = await pageAll('/candidates', center);
    expect(seen).not.toContain(foreign.id);
  });
});
