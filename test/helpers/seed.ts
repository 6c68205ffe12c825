import { randomInt } from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import * as t from '../../src/db/schema.ts';
import type { Actor } from '../../src/lib/actor.ts';
import { searchKey } from '../../src/modules/candidates/candidates.schemas.ts';

type Insert<T extends { $inferInsert: unknown }> = Partial<T['$inferInsert']>;

let counter = 0;
const unique = () => `${Date.now() % 100000}${++counter}`;

/** A valid CCCD: 12 digits, unique within a test run. */
export function nationalId(): string {
  return `0${String(randomInt(10 ** 10)).padStart(10, '0')}${counter++ % 10}`;
}

/** A valid `POST /candidates` body (a new national ID each time), with `overrides` on top. */
export const registration = (overrides: Record<string, unknown> = {}) => ({
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '2001-03-04',
  gender: 'male',
  nationalId: nationalId(),
  homeProvinceCode: '80',
  occupationField: 'construction',
  consentToShare: true,
  ...overrides,
});

/** Builds exactly the rows a test needs, with sensible defaults for the rest. */
export function createSeed(db: Db) {
  const seed = {
    async center(values: Insert<typeof t.trainingCenters> = {}) {
      const [row] = await db
        .insert(t.trainingCenters)
        .values({ name: `Trung tâm ${unique()}`, provinceCode: '80', serialPrefix: 'TN', ...values })
        .returning();
      return row!;
    },
    async partner(values: Insert<typeof t.partners> = {}) {
      const [row] = await db
        .insert(t.partners)
        .values({ name: `Partner ${unique()}`, kind: 'supervising_org', prefectureCode: '33', ...values })
        .returning();
      return row!;
    },
    async homeEmployer(values: Insert<typeof t.homeEmployers> = {}) {
      const [row] = await db
        .insert(t.homeEmployers)
        .values({
          name: `Employer ${unique()}`,
          provinceCode: '80',
          sector: 'industrial_manufacturing',
          investorCountry: 'JP',
          ...values,
        })
        .returning();
      return row!;
    },
    async candidate(values: Insert<typeof t.candidates> & { trainingCenterId: string }) {
      const fullName = (values.fullName ?? `Nguyễn Văn ${unique()}`).normalize('NFC');
      const [row] = await db
        .insert(t.candidates)
        .values({
          fullName,
          nameSearch: searchKey(fullName),
          dateOfBirth: '2000-01-15',
          gender: 'male',
          nationalId: nationalId(),
          homeProvinceCode: '80',
          provinceBoundaries: '2025',
          homeProvince2025: values.homeProvince2025 ?? values.homeProvinceCode ?? '80',
          occupationField: 'construction',
          consentToShare: true,
          ...values,
        })
        .returning();
      return row!;
    },
    async course(values: Insert<typeof t.courses> & { trainingCenterId: string }) {
      const [row] = await db
        .insert(t.courses)
        .values({
          name: `Khóa ${unique()}`,
          kind: 'language',
          startsOn: '2026-01-05',
          endsOn: '2027-06-30',
          hours: 600,
          ...values,
        })
        .returning();
      return row!;
    },
    /** An enrollment with its result as given (`outcome: 'passed'` for a certificate), no lifecycle checks. */
    async enrollment(values: Insert<typeof t.enrollments> & { courseId: string; candidateId: string }) {
      const [row] = await db
        .insert(t.enrollments)
        .values({ ...(values.outcome ? { resultAt: new Date() } : {}), ...values })
        .returning();
      return row!;
    },
    async jobOrder(values: Insert<typeof t.jobOrders> & { partnerId: string }) {
      const [row] = await db
        .insert(t.jobOrders)
        .values({
          prefectureCode: '33',
          employerName: '株式会社テスト',
          program: 'ssw_1',
          field: 'construction',
          headcount: 2,
          ...values,
        })
        .returning();
      return row!;
    },
    /** A placement row as written directly (status and dates as given; no lifecycle checks). */
    async placement(values: Insert<typeof t.placements> & { candidateId: string }) {
      const destinationCountry = values.destinationCountry ?? 'JP';
      const [row] = await db
        .insert(t.placements)
        .values({
          destinationCountry,
          prefectureCode: destinationCountry === 'JP' ? '33' : null,
          employerName: '株式会社テスト',
          program: destinationCountry === 'JP' ? 'titp_1' : 'other',
          field: 'construction',
          contractStart: '2024-01-01',
          contractEnd: '2027-01-01',
          ...values,
        })
        .returning();
      return row!;
    },
    async reintegration(
      values: Insert<typeof t.reintegrations> & { candidateId: string; homeEmployerId: string },
    ) {
      const [row] = await db
        .insert(t.reintegrations)
        .values({ startedOn: '2026-01-05', position: 'Tổ trưởng sản xuất', ...values })
        .returning();
      return row!;
    },
  };
  return seed;
}

export const actors = {
  admin: (): Actor => ({
    id: '00000000-0000-4000-8000-000000000001',
    role: 'admin',
    trainingCenterId: null,
    provinceCode: null,
    partnerId: null,
  }),
  center: (trainingCenterId: string): Actor => ({
    id: '00000000-0000-4000-8000-000000000002',
    role: 'center',
    trainingCenterId,
    provinceCode: null,
    partnerId: null,
  }),
  province: (provinceCode: string): Actor => ({
    id: '00000000-0000-4000-8000-000000000003',
    role: 'province',
    trainingCenterId: null,
    provinceCode,
    partnerId: null,
  }),
  partner: (partnerId: string): Actor => ({
    id: '00000000-0000-4000-8000-000000000004',
    role: 'partner',
    trainingCenterId: null,
    provinceCode: null,
    partnerId,
  }),
};
