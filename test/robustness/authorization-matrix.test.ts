import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../src/db/schema.ts';
import type { Actor, Role } from '../../src/lib/actor.ts';
import { hashPassword } from '../../src/lib/password.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actors } from '../helpers/seed.ts';

/**
 * The authorization matrix, generated from the routes the app registers: every route × every role ×
 * a resource inside and outside the caller's scope. API.md and DESIGN.md: no token → 401, a role that
 * may not call the endpoint → 403, a resource outside the caller's scope → 404, otherwise 2xx.
 * A route without an entry here fails the test, so a new route cannot skip the matrix.
 */

type Access = 'scoped' | 'any' | 'deny';
interface RequestSpec {
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}
interface Entry {
  /** Who may call it; 'public' needs no token. */
  access: 'public' | Record<Role, Access>;
  /** The request for a role, on a resource inside (own) or outside (foreign) its scope. */
  build(role: Role, own: boolean): Promise<RequestSpec>;
  /** The 2xx a permitted call answers (default 200). */
  ok?: number;
}

let h: TestApp;
const ROLES: Role[] = ['admin', 'center', 'province', 'partner'];

/** Two sides of the world: A is the callers' own scope, B lies outside it. */
interface Side {
  centerId: string;
  province: string;
  partnerId: string;
  orderId: string;
  employerId: string;
}
let A: Side;
let B: Side;
let as: Record<Role, Actor>;
const side = (own: boolean) => (own ? A : B);
let n = 0;

async function makeSide(province: string, prefix: string): Promise<Side> {
  const center = await h.seed.center({ provinceCode: province, serialPrefix: prefix });
  const partner = await h.seed.partner();
  const order = await h.seed.jobOrder({ partnerId: partner.id, headcount: 1000 });
  const employer = await h.seed.homeEmployer({ provinceCode: province });
  return { centerId: center.id, province, partnerId: partner.id, orderId: order.id, employerId: employer.id };
}

async function candidate(s: Side, status: (typeof t.candidates.$inferSelect)['status'] = 'ready') {
  return h.seed.candidate({
    trainingCenterId: s.centerId,
    homeProvinceCode: s.province,
    homeProvince2025: s.province,
    status,
  });
}

async function passed(s: Side, candidateId: string, kind: 'language' | 'orientation' = 'orientation') {
  const course = await h.seed.course({ trainingCenterId: s.centerId, kind });
  return h.seed.enrollment({ courseId: course.id, candidateId, outcome: 'passed', score: 90 });
}

/** A candidate selected for the side's job order (so the side's partner may read them). */
async function selected(s: Side, placementStatus: 'planned' | 'departed' | 'returned' = 'planned') {
  const status = placementStatus === 'planned' ? 'selected' : placementStatus;
  const c = await candidate(s, status);
  await passed(s, c.id);
  const placement = await h.seed.placement({
    candidateId: c.id,
    jobOrderId: s.orderId,
    status: placementStatus,
    departedOn: placementStatus === 'planned' ? null : '2024-04-01',
    returnedOn: placementStatus === 'returned' ? '2026-04-01' : null,
    returnReason: placementStatus === 'returned' ? 'completed' : null,
  });
  return { candidate: c, placement };
}

async function certificate(s: Side) {
  const { candidate: c } = await selected(s);
  const enrollment = await passed(s, c.id, 'language');
  const res = await h.request({
    method: 'POST',
    url: '/certificates',
    as: as.admin,
    payload: { enrollmentId: enrollment.id },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; serial: string; verifyCode: string };
}

const grievanceBody = (candidateId: string) => ({
  candidateId,
  category: 'wage_unpaid',
  description: 'Unpaid overtime',
  receivedVia: 'hotline',
  receivedAt: '2026-01-05T09:00:00+07:00',
});

/** A grievance of a worker of the side, on the side's order (so its partner sees it), filed by an admin. */
async function grievance(s: Side) {
  const res = await h.request({
    method: 'POST',
    url: '/grievances',
    as: as.admin,
    payload: grievanceBody((await selected(s, 'departed')).candidate.id),
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

/** A user for an admin to manage. */
async function account() {
  const [row] = await h.database.db
    .insert(t.users)
    .values({
      email: `managed${++n}@matrix.example.org`,
      passwordHash: 'x',
      role: 'center',
      trainingCenterId: A.centerId,
    })
    .returning();
  return row!;
}

const scopedFor = (roles: Partial<Record<Role, Access>>): Record<Role, Access> => ({
  admin: 'deny',
  center: 'deny',
  province: 'deny',
  partner: 'deny',
  ...roles,
});
const everyone: Record<Role, Access> = { admin: 'any', center: 'any', province: 'any', partner: 'any' };
const adminOnly = scopedFor({ admin: 'any' });
const sending = scopedFor({ admin: 'scoped', center: 'scoped' });
const readers = scopedFor({ admin: 'scoped', center: 'scoped', province: 'scoped' });
const allScoped: Record<Role, Access> = {
  admin: 'scoped',
  center: 'scoped',
  province: 'scoped',
  partner: 'scoped',
};
const demand = scopedFor({ admin: 'scoped', partner: 'scoped' });

const candidateBody = (s: Side) => ({
  fullName: `Nguyễn Văn Ma Trận ${++n}`,
  dateOfBirth: '2000-02-02',
  gender: 'male',
  nationalId: `08${String(Date.now() % 1e8).padStart(8, '0')}${String(n % 100).padStart(2, '0')}`,
  homeProvinceCode: s.province,
  occupationField: 'construction',
  consentToShare: true,
  trainingCenterId: s.centerId,
});

const MATRIX: Record<string, Entry> = {
  'POST /auth/login': {
    access: 'public',
    build: async () => ({
      url: '/auth/login',
      payload: { email: 'matrix-admin@example.org', password: 'matrix-password-1' },
    }),
  },
  'GET /health': { access: 'public', build: async () => ({ url: '/health' }) },
  // The workspace's page (a client route answers the same page): no data, the API calls need a token.
  'GET /app': { access: 'public', build: async () => ({ url: '/app' }) },
  'GET /app/*': { access: 'public', build: async () => ({ url: '/app/trainees' }) },
  'GET /me': { access: everyone, build: async () => ({ url: '/me' }) },
  'POST /users': {
    access: adminOnly,
    ok: 201,
    build: async () => ({
      url: '/users',
      payload: { email: `u${++n}@example.org`, password: 'long-enough-pw', role: 'admin' },
    }),
  },
  'GET /users': { access: adminOnly, build: async () => ({ url: '/users?role=center' }) },
  'PATCH /users/:id': {
    access: adminOnly,
    build: async () => ({ url: `/users/${(await account()).id}`, payload: { disabled: true } }),
  },
  'POST /users/:id/reset-password': {
    access: adminOnly,
    build: async () => ({ url: `/users/${(await account()).id}/reset-password` }),
  },
  'POST /me/password': {
    access: everyone,
    ok: 204,
    build: async (role) => {
      // The caller's own user, with a password it knows.
      await h.database.db
        .update(t.users)
        .set({ passwordHash: await hashPassword('matrix-current-1') })
        .where(eq(t.users.id, as[role].id));
      return {
        url: '/me/password',
        payload: { currentPassword: 'matrix-current-1', newPassword: `matrix-new-password-${++n}` },
      };
    },
  },
  'GET /provinces': { access: everyone, build: async () => ({ url: '/provinces?boundaries=2008' }) },
  'GET /prefectures': { access: everyone, build: async () => ({ url: '/prefectures' }) },
  'GET /audit': { access: adminOnly, build: async () => ({ url: '/audit?entity=candidate' }) },

  'POST /training-centers': {
    access: adminOnly,
    ok: 201,
    build: async () => ({ url: '/training-centers', payload: { name: `Center ${++n}`, provinceCode: '40' } }),
  },
  'GET /training-centers': { access: everyone, build: async () => ({ url: '/training-centers' }) },
  'PATCH /training-centers/:id': {
    access: sending,
    build: async (_r, own) => ({
      url: `/training-centers/${side(own).centerId}`,
      payload: { directorName: 'Nguyễn Văn Giám Đốc' },
    }),
  },
  'GET /training-centers/:id': {
    access: everyone,
    build: async (_r, own) => ({ url: `/training-centers/${side(own).centerId}` }),
  },
  'POST /partners': {
    access: adminOnly,
    ok: 201,
    build: async () => ({
      url: '/partners',
      payload: { name: `Partner ${++n}`, kind: 'employer', prefectureCode: '33' },
    }),
  },
  'GET /partners': { access: everyone, build: async () => ({ url: '/partners' }) },
  'GET /partners/:id': {
    access: everyone,
    build: async (_r, own) => ({ url: `/partners/${side(own).partnerId}` }),
  },
  'POST /home-employers': {
    access: adminOnly,
    ok: 201,
    build: async () => ({
      url: '/home-employers',
      payload: {
        name: `Firm ${++n}`,
        provinceCode: '80',
        sector: 'industrial_manufacturing',
        investorCountry: 'JP',
      },
    }),
  },
  'GET /home-employers': { access: everyone, build: async () => ({ url: '/home-employers' }) },
  'GET /home-employers/:id': {
    access: everyone,
    build: async (_r, own) => ({ url: `/home-employers/${side(own).employerId}` }),
  },
  'POST /agreements': {
    access: adminOnly,
    ok: 201,
    build: async () => ({
      url: '/agreements',
      payload: {
        provinceCode: '80',
        partnerId: A.partnerId,
        kind: 'mou',
        signedOn: '2024-01-01',
        fields: ['construction'],
      },
    }),
  },
  'GET /agreements': { access: everyone, build: async () => ({ url: '/agreements?provinceCode=80' }) },

  'POST /candidates': {
    access: scopedFor({ admin: 'any', center: 'any' }),
    ok: 201,
    build: async () => ({ url: '/candidates', payload: candidateBody(A) }),
  },
  'GET /candidates': {
    access: scopedFor({ admin: 'any', center: 'any', province: 'any' }),
    build: async () => ({ url: '/candidates' }),
  },
  'GET /candidates/:id': {
    access: allScoped,
    build: async (_r, own) => ({ url: `/candidates/${(await selected(side(own))).candidate.id}` }),
  },
  'PATCH /candidates/:id': {
    access: sending,
    build: async (_r, own) => {
      const c = await candidate(side(own));
      return { url: `/candidates/${c.id}`, payload: { phone: '0912345678', version: c.version } };
    },
  },
  'POST /candidates/:id/transitions': {
    access: sending,
    build: async (_r, own) => ({
      url: `/candidates/${(await candidate(side(own), 'registered')).id}/transitions`,
      payload: { to: 'withdrawn', reason: 'moved away' },
    }),
  },
  'GET /candidates/:id/history': {
    access: readers,
    build: async (_r, own) => ({ url: `/candidates/${(await candidate(side(own))).id}/history` }),
  },
  'GET /candidates/import/template.xlsx': {
    access: scopedFor({ admin: 'any', center: 'any' }),
    build: async () => ({ url: '/candidates/import/template.xlsx' }),
  },
  'GET /candidates/import/template.csv': {
    access: scopedFor({ admin: 'any', center: 'any' }),
    build: async () => ({ url: '/candidates/import/template.csv' }),
  },
  'POST /candidates/import': {
    access: scopedFor({ admin: 'any', center: 'any' }),
    ok: 201,
    build: async () => {
      const b = candidateBody(A);
      return {
        url: `/candidates/import?trainingCenterId=${A.centerId}`,
        headers: { 'content-type': 'text/csv' },
        payload: `fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,consentToShare\n${b.fullName},${b.dateOfBirth},${b.gender},${b.nationalId},${b.homeProvinceCode},${b.occupationField},true\n`,
      };
    },
  },

  'POST /courses': {
    access: sending,
    ok: 201,
    build: async (_r, own) => ({
      url: '/courses',
      payload: {
        name: 'Khóa tiếng Nhật',
        kind: 'language',
        startsOn: '2026-01-05',
        endsOn: '2026-06-30',
        hours: 600,
        trainingCenterId: side(own).centerId,
      },
    }),
  },
  'GET /courses': {
    access: scopedFor({ admin: 'any', center: 'any', province: 'any' }),
    build: async () => ({ url: '/courses' }),
  },
  'GET /courses/:id': {
    access: readers,
    build: async (_r, own) => ({
      url: `/courses/${(await h.seed.course({ trainingCenterId: side(own).centerId })).id}`,
    }),
  },
  'PATCH /courses/:id': {
    access: sending,
    build: async (_r, own) => ({
      url: `/courses/${(await h.seed.course({ trainingCenterId: side(own).centerId })).id}`,
      payload: { hours: 700 },
    }),
  },
  'POST /courses/:id/enrollments': {
    access: sending,
    ok: 201,
    build: async (_r, own) => {
      const s = side(own);
      const course = await h.seed.course({ trainingCenterId: s.centerId });
      return {
        url: `/courses/${course.id}/enrollments`,
        payload: { candidateId: (await candidate(s, 'registered')).id },
      };
    },
  },
  'GET /courses/:id/enrollments': {
    access: sending,
    build: async (_r, own) => ({
      url: `/courses/${(await h.seed.course({ trainingCenterId: side(own).centerId })).id}/enrollments`,
    }),
  },
  'POST /enrollments/:id/result': {
    access: sending,
    build: async (_r, own) => {
      const s = side(own);
      const course = await h.seed.course({ trainingCenterId: s.centerId });
      const e = await h.seed.enrollment({
        courseId: course.id,
        candidateId: (await candidate(s, 'training')).id,
      });
      return { url: `/enrollments/${e.id}/result`, payload: { outcome: 'passed', score: 80 } };
    },
  },
  'PATCH /enrollments/:id/result': {
    access: sending,
    build: async (_r, own) => {
      const s = side(own);
      const course = await h.seed.course({ trainingCenterId: s.centerId });
      const e = await h.seed.enrollment({
        courseId: course.id,
        candidateId: (await candidate(s, 'training')).id,
        outcome: 'failed',
        score: 40,
      });
      return {
        url: `/enrollments/${e.id}/result`,
        payload: { outcome: 'passed', score: 80, reason: 'Nhập nhầm điểm' },
      };
    },
  },
  'GET /candidates/:id/enrollments': {
    access: readers,
    build: async (_r, own) => ({ url: `/candidates/${(await candidate(side(own))).id}/enrollments` }),
  },

  'POST /job-orders': {
    access: scopedFor({ admin: 'any', partner: 'any' }),
    ok: 201,
    build: async () => ({
      url: '/job-orders',
      payload: {
        prefectureCode: '33',
        employerName: '株式会社マトリクス',
        program: 'ssw_1',
        field: 'construction',
        headcount: 1,
        partnerId: A.partnerId,
      },
    }),
  },
  'GET /job-orders': {
    access: scopedFor({ admin: 'any', partner: 'any' }),
    build: async () => ({ url: '/job-orders' }),
  },
  'GET /job-orders/:id': {
    access: demand,
    build: async (_r, own) => ({ url: `/job-orders/${side(own).orderId}` }),
  },
  'PATCH /job-orders/:id': {
    access: demand,
    build: async (_r, own) => ({
      url: `/job-orders/${(await h.seed.jobOrder({ partnerId: side(own).partnerId, headcount: 5 })).id}`,
      payload: { headcount: 10 },
    }),
  },
  'POST /job-orders/:id/close': {
    access: demand,
    build: async (_r, own) => ({
      url: `/job-orders/${(await h.seed.jobOrder({ partnerId: side(own).partnerId })).id}/close`,
      payload: { reason: 'Đã tuyển đủ' },
    }),
  },
  'GET /pool': { access: scopedFor({ admin: 'any', partner: 'any' }), build: async () => ({ url: '/pool' }) },
  'GET /job-orders/:id/matches': {
    access: demand,
    build: async (_r, own) => ({ url: `/job-orders/${side(own).orderId}/matches` }),
  },
  'POST /job-orders/:id/selections': {
    access: demand,
    ok: 201,
    build: async (_r, own) => ({
      url: `/job-orders/${side(own).orderId}/selections`,
      payload: { candidateCode: (await candidate(side(own))).poolCode },
    }),
  },

  'POST /placements': {
    access: sending,
    ok: 201,
    build: async (_r, own) => ({
      url: '/placements',
      payload: {
        candidateId: (await candidate(side(own))).id,
        destinationCountry: 'KR',
        employerName: 'Hyundai',
        program: 'other',
        field: 'shipbuilding',
        contractStart: '2026-01-01',
        contractEnd: '2028-12-31',
      },
    }),
  },
  'GET /placements': { access: everyone, build: async () => ({ url: '/placements' }) },
  'GET /placements/:id': {
    access: allScoped,
    build: async (_r, own) => ({ url: `/placements/${(await selected(side(own))).placement.id}` }),
  },
  'PATCH /placements/:id': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    build: async (_r, own) => {
      const { placement } = await selected(side(own));
      return {
        url: `/placements/${placement.id}`,
        payload: { monthlyWageJpy: 185_000, version: placement.version },
      };
    },
  },
  'POST /placements/:id/depart': {
    access: sending,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own))).placement.id}/depart`,
      payload: { departedOn: '2026-01-10' },
    }),
  },
  'POST /placements/:id/return': {
    access: sending,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own), 'departed')).placement.id}/return`,
      payload: { returnedOn: '2026-01-10', reason: 'completed' },
    }),
  },
  'POST /placements/:id/cancel': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own))).placement.id}/cancel`,
      payload: { reason: 'visa refused' },
    }),
  },
  'GET /candidates/:id/reintegration': {
    access: readers,
    build: async (_r, own) => ({ url: `/candidates/${(await candidate(side(own))).id}/reintegration` }),
  },
  'POST /candidates/:id/reintegration': {
    access: sending,
    ok: 201,
    build: async (_r, own) => {
      const s = side(own);
      return {
        url: `/candidates/${(await selected(s, 'returned')).candidate.id}/reintegration`,
        payload: { homeEmployerId: s.employerId, startedOn: '2026-05-01', position: 'Tổ trưởng' },
      };
    },
  },

  'POST /placements/:id/fees': {
    access: sending,
    ok: 201,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own), 'departed')).placement.id}/fees`,
      payload: {
        category: 'service_fee',
        payer: 'worker',
        amount: 100000,
        currency: 'JPY',
        paidOn: '2024-01-10',
        source: 'receipt',
      },
    }),
  },
  'GET /placements/:id/fees': {
    access: allScoped,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own), 'departed')).placement.id}/fees`,
    }),
  },
  'PUT /placements/:id/early-return': {
    access: sending,
    build: async (_r, own) => {
      // Home on 2025-04-01, before the seeded contract's end on 2027-01-01, not as completed.
      const s = side(own);
      const placement = await h.seed.placement({
        candidateId: (await candidate(s, 'returned')).id,
        jobOrderId: s.orderId,
        status: 'returned',
        departedOn: '2024-04-01',
        returnedOn: '2025-04-01',
        returnReason: 'early_termination',
      });
      return {
        url: `/placements/${placement.id}/early-return`,
        payload: { workerAtFault: false, reason: 'The employer closed the site.' },
      };
    },
  },
  'POST /placements/:id/transfers': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    ok: 201,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own), 'departed')).placement.id}/transfers`,
      payload: {
        kind: 'unavoidable',
        requestedOn: '2024-06-01',
        newEmployerName: '株式会社マトリクス',
        newPrefectureCode: '27',
        route: 'hello_work',
      },
    }),
  },
  'GET /placements/:id/transfers': {
    access: allScoped,
    build: async (_r, own) => ({
      url: `/placements/${(await selected(side(own), 'departed')).placement.id}/transfers`,
    }),
  },
  'POST /grievances': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    ok: 201,
    build: async (_r, own) => ({
      url: '/grievances',
      payload: grievanceBody((await selected(side(own), 'departed')).candidate.id),
    }),
  },
  'GET /grievances': { access: everyone, build: async () => ({ url: '/grievances?overdue=true' }) },
  'POST /grievances/:id/acknowledge': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    build: async (_r, own) => ({ url: `/grievances/${await grievance(side(own))}/acknowledge` }),
  },
  'POST /grievances/:id/resolve': {
    access: sending,
    build: async (_r, own) => ({
      url: `/grievances/${await grievance(side(own))}/resolve`,
      payload: { resolution: 'Wages paid in full.' },
    }),
  },

  'POST /certificates': {
    access: sending,
    ok: 201,
    build: async (_r, own) => {
      const s = side(own);
      const c = await candidate(s);
      return { url: '/certificates', payload: { enrollmentId: (await passed(s, c.id)).id } };
    },
  },
  'GET /certificates': { access: everyone, build: async () => ({ url: '/certificates' }) },
  'GET /certificates/:id': {
    access: allScoped,
    build: async (_r, own) => ({ url: `/certificates/${(await certificate(side(own))).id}` }),
  },
  'GET /certificates/:id/pdf': {
    access: allScoped,
    build: async (_r, own) => ({ url: `/certificates/${(await certificate(side(own))).id}/pdf` }),
  },
  'POST /certificates/batch': {
    access: allScoped,
    build: async (_r, own) => ({
      url: '/certificates/batch',
      payload: { ids: [(await certificate(side(own))).id] },
    }),
  },
  'POST /certificates/:id/revoke': {
    access: sending,
    build: async (_r, own) => ({
      url: `/certificates/${(await certificate(side(own))).id}/revoke`,
      payload: { reason: 'issued in error' },
    }),
  },
  'GET /verify/:serial': {
    access: 'public',
    build: async () => {
      const c = await certificate(A);
      return { url: `/verify/${c.serial}?code=${c.verifyCode}` };
    },
  },
  'GET /placements/:id/letter.pdf': {
    access: allScoped,
    build: async (_r, own) => ({ url: `/placements/${(await selected(side(own))).placement.id}/letter.pdf` }),
  },
  'GET /candidates/:id/profile.pdf': {
    access: scopedFor({ admin: 'scoped', center: 'scoped', partner: 'scoped' }),
    build: async (_r, own) => ({
      url: `/candidates/${(await selected(side(own))).candidate.id}/profile.pdf?lang=ja`,
    }),
  },
  'GET /job-orders/:id/profiles.pdf': {
    access: demand,
    build: async (_r, own) => {
      await selected(side(own));
      return { url: `/job-orders/${side(own).orderId}/profiles.pdf?lang=vi` };
    },
  },
  'PUT /candidates/:id/photo': {
    access: sending,
    ok: 204,
    build: async (_r, own) => ({
      url: `/candidates/${(await candidate(side(own))).id}/photo`,
      payload: readFileSync(new URL('../fixtures/photo.jpg', import.meta.url)),
      headers: { 'content-type': 'image/jpeg' },
    }),
  },

  'GET /reports/province-share': {
    access: everyone,
    build: async () => ({ url: '/reports/province-share?from=2016-01-01&to=2026-12-31' }),
  },
  'GET /reports/prefectures': {
    access: everyone,
    build: async () => ({ url: '/reports/prefectures?from=2016-01-01&to=2026-12-31' }),
  },
  'GET /reports/pipeline': { access: everyone, build: async () => ({ url: '/reports/pipeline' }) },
  'GET /reports/grievances': {
    access: everyone,
    build: async () => ({ url: '/reports/grievances?from=2026-01-01&to=2026-12-31&boundaries=2008' }),
  },
  'GET /reports/recruitment-cost': {
    access: everyone,
    build: async () => ({ url: '/reports/recruitment-cost?year=2024&boundaries=2008' }),
  },
  'GET /reports/reintegration': {
    access: everyone,
    build: async () => ({ url: '/reports/reintegration?from=2016-01-01&to=2026-12-31' }),
  },
  'GET /reports/monthly-workers': {
    access: scopedFor({ admin: 'any', center: 'any', province: 'any' }),
    build: async () => ({ url: '/reports/monthly-workers?month=2026-10' }),
  },

  'GET /jobs': { access: adminOnly, build: async () => ({ url: '/jobs' }) },
  'GET /jobs/:name/runs': { access: adminOnly, build: async () => ({ url: '/jobs/deadline-alerts/runs' }) },
  'POST /jobs/:name/run': {
    access: adminOnly,
    build: async () => ({ url: '/jobs/deadline-alerts/run', payload: {} }),
  },
  'GET /alerts': { access: everyone, build: async () => ({ url: '/alerts' }) },
  'POST /alerts/:id/close': {
    access: allScoped,
    build: async (_r, own) => {
      const s = side(own);
      const [alert] = await h.database.db
        .insert(t.alerts)
        .values({
          kind: 'ready_too_long',
          subjectType: 'candidate',
          subjectId: crypto.randomUUID(),
          thresholdDays: 180,
          dueOn: '2026-01-01',
          message: 'ready for more than 180 days',
          trainingCenterId: s.centerId,
          provinceCode2025: s.province,
          partnerId: s.partnerId,
        })
        .returning();
      return { url: `/alerts/${alert!.id}/close`, payload: {} };
    },
  },
};

beforeAll(async () => {
  h = await createTestApp();
  A = await makeSide('80', 'AA');
  B = await makeSide('01', 'BB');
  as = {
    admin: actors.admin(),
    center: actors.center(A.centerId),
    province: actors.province('80'),
    partner: actors.partner(A.partnerId),
  };
  // Real users behind the actors (GET /me reads the user), and one to log in with.
  for (const actor of Object.values(as)) {
    await h.database.db.insert(t.users).values({
      id: actor.id,
      email: `${actor.role}@matrix.example.org`,
      passwordHash: 'x',
      role: actor.role,
      trainingCenterId: actor.trainingCenterId,
      provinceCode: actor.provinceCode,
      partnerId: actor.partnerId,
    });
  }
  await h.app.services.users.create(null, {
    email: 'matrix-admin@example.org',
    password: 'matrix-password-1',
    role: 'admin',
  });
});
afterAll(() => h.close());

/** Static dashboard files are public by design: they hold no data (the reports they call need a token). */
const isStatic = (url: string) => url === '/dashboard' || url.startsWith('/dashboard/');

async function send(method: string, spec: RequestSpec, who?: Actor) {
  return h.request({
    method: method as InjectOptions['method'],
    url: spec.url,
    ...(spec.payload !== undefined ? { payload: spec.payload as InjectOptions['payload'] } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(who ? { as: who } : {}),
  });
}

describe('authorization matrix', () => {
  it('has an entry for every registered route', () => {
    const missing = h.app.routeList
      .filter((r) => !r.url.startsWith('/docs') && !isStatic(r.url))
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !MATRIX[key]);
    expect(missing).toEqual([]);
  });

  it('serves the dashboard files without a token, and nothing else outside the matrix is public', async () => {
    for (const r of h.app.routeList) {
      if (r.auth === 'public') {
        const key = `${r.method} ${r.url}`;
        expect(isStatic(r.url) || MATRIX[key]?.access === 'public', key).toBe(true);
        if (isStatic(r.url) && r.method === 'GET') {
          // A public route under /dashboard/ is a file of the page, never data.
          const res = await h.request({ method: 'GET', url: r.url });
          expect(res.statusCode, key).toBe(200);
          expect(String(res.headers['content-type']), key).not.toMatch(/json/);
        }
      }
    }
  });

  it('every route declares its roles, and the matrix agrees with each declaration', () => {
    for (const r of h.app.routeList) {
      if (r.url.startsWith('/docs') || isStatic(r.url)) continue;
      const key = `${r.method} ${r.url}`;
      const entry = MATRIX[key];
      expect(r.auth, `${key} declares no roles`).toBeDefined();
      if (!entry) continue;
      if (entry.access === 'public') {
        expect(r.auth, key).toBe('public');
        continue;
      }
      const allowed = ROLES.filter((role) => (entry.access as Record<Role, Access>)[role] !== 'deny');
      expect([...(r.auth as readonly Role[])].sort(), key).toEqual([...allowed].sort());
    }
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    const [method, path] = key.split(' ') as [string, string];
    it(`${key}`, async () => {
      const route = h.app.routeList.find((r) => r.method === method && r.url === path);
      expect(route, `${key} is not registered`).toBeDefined();
      const ok = entry.ok ?? 200;
      if (entry.access === 'public') {
        const res = await send(method, await entry.build('admin', true));
        expect(res.statusCode, `${key} without a token: ${res.body.slice(0, 300)}`).toBe(ok);
        return;
      }
      const anonymous = await send(method, await entry.build('admin', true));
      expect(anonymous.statusCode, `${key} without a token`).toBe(401);
      for (const role of ROLES) {
        const access = entry.access[role];
        const own = await send(method, await entry.build(role, true), as[role]);
        if (access === 'deny') {
          expect(own.statusCode, `${key} as ${role}: ${own.body.slice(0, 300)}`).toBe(403);
          continue;
        }
        expect(own.statusCode, `${key} as ${role} on its own resource: ${own.body.slice(0, 300)}`).toBe(ok);
        if (access === 'scoped' && role !== 'admin') {
          const foreign = await send(method, await entry.build(role, false), as[role]);
          expect(
            foreign.statusCode,
            `${key} as ${role} outside its scope: ${foreign.body.slice(0, 300)}`,
          ).toBe(404);
        }
      }
    });
  }
});
