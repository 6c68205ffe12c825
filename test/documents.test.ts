import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../src/modules/documents/documents.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { actors } from './helpers/seed.ts';
import { pdfPageCount, pdfPages } from './pdf-extract.ts';

const longName = 'Nguyễn Thị Phương Hoàng Ngọc Diễm Quỳnh';
const employer = '株式会社岡山精密工業技術開発センター';

let t: TestApp;
let centerA: { id: string };
let centerB: { id: string };
let partnerP: { id: string };
let partnerQ: { id: string };
let candidate: { id: string };
let languageCourse: { id: string };
let orientationCourse: { id: string };
let placementId: string;

beforeAll(async () => {
  t = await createTestApp();
  centerA = await t.seed.center({
    name: 'Trung tâm Đào tạo Long An',
    serialPrefix: 'LA',
    provinceCode: '80',
  });
  centerB = await t.seed.center({ name: 'Trung tâm Hà Nội', serialPrefix: 'HN', provinceCode: '01' });
  partnerP = await t.seed.partner({ name: 'Okayama Kyodo Kumiai', prefectureCode: '33' });
  partnerQ = await t.seed.partner({ name: 'Other Kumiai' });
  candidate = await t.seed.candidate({
    trainingCenterId: centerA.id,
    fullName: longName,
    dateOfBirth: '2001-11-23',
    homeProvinceCode: '80',
  });
  languageCourse = await t.seed.course({
    trainingCenterId: centerA.id,
    name: 'Tiếng Nhật N4',
    kind: 'language',
  });
  orientationCourse = await t.seed.course({
    trainingCenterId: centerA.id,
    name: 'Giáo dục định hướng',
    kind: 'orientation',
    hours: 74,
  });
  const order = await t.seed.jobOrder({
    partnerId: partnerP.id,
    employerName: employer,
    departureBy: '2026-09-01',
  });
  const placement = await t.seed.placement({
    candidateId: candidate.id,
    jobOrderId: order.id,
    employerName: employer,
    prefectureCode: '33',
    municipality: '岡山市北区',
    program: 'ssw_1',
    field: 'industrial_manufacturing',
  });
  placementId = placement.id;
});
afterAll(() => t.close());

/** A fresh passed (or otherwise) enrollment of a new trainee of `centerId`. */
async function enrollment(
  centerId: string,
  opts: { outcome?: 'passed' | 'failed' | 'withdrawn' | null; kind?: 'language' | 'orientation' } = {},
) {
  const trainee = await t.seed.candidate({ trainingCenterId: centerId });
  const course = await t.seed.course({ trainingCenterId: centerId, kind: opts.kind ?? 'vocational' });
  return t.seed.enrollment({
    courseId: course.id,
    candidateId: trainee.id,
    outcome: opts.outcome === undefined ? 'passed' : opts.outcome,
  });
}

function issue(enrollmentId: string, as = actors.center(centerA.id)) {
  return t.request({ method: 'POST', url: '/certificates', payload: { enrollmentId }, as });
}

describe('issuing certificates', () => {
  it('a center issues a training certificate for its passed trainee, with a serial of its prefix and year', async () => {
    const e = await t.seed.enrollment({
      courseId: languageCourse.id,
      candidateId: candidate.id,
      outcome: 'passed',
      score: 87.5,
      jlptLevel: 'N4',
    });
    const res = await issue(e.id);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(String),
      serial: expect.stringMatching(/^LA-20\d\d-\d{6}$/),
      verifyCode: expect.stringMatching(/^[0-9A-Z]{12}$/),
      type: 'training_completion',
    });
  });

  it('an orientation course gives the pre-departure orientation certificate', async () => {
    const e = await t.seed.enrollment({
      courseId: orientationCourse.id,
      candidateId: candidate.id,
      outcome: 'passed',
    });
    const res = await issue(e.id, actors.admin());
    expect(res.statusCode).toBe(201);
    expect(res.json().type).toBe('orientation');
  });

  it('refuses a failed, withdrawn or not yet graded enrollment with 409', async () => {
    for (const outcome of ['failed', 'withdrawn', null] as const) {
      const e = await enrollment(centerA.id, { outcome });
      const res = await issue(e.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().errors).toEqual([{ path: 'enrollmentId', message: 'is not a passed enrollment' }]);
    }
  });

  it('refuses a second valid certificate for the same enrollment', async () => {
    const e = await enrollment(centerA.id);
    expect((await issue(e.id)).statusCode).toBe(201);
    const again = await issue(e.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already has certificate LA-/);
  });

  it("another center cannot issue for a center's trainee, and province officers cannot issue at all", async () => {
    const e = await enrollment(centerA.id);
    expect((await issue(e.id, actors.center(centerB.id))).statusCode).toBe(404);
    expect((await issue(e.id, actors.province('80'))).statusCode).toBe(403);
  });

  it('names the field when the enrollment id is malformed or unknown', async () => {
    const bad = await issue('not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'enrollmentId', message: 'must be a UUID' }]);
    expect((await issue('00000000-0000-4000-8000-00000000dead')).statusCode).toBe(404);
  });

  it('numbers serials consecutively per center, separately for each center', async () => {
    const serials: string[] = [];
    for (let i = 0; i < 5; i++) serials.push((await issue((await enrollment(centerA.id)).id)).json().serial);
    const numbers = serials.map((s) => Number(s.slice(-6)));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    const b = await issue((await enrollment(centerB.id)).id, actors.center(centerB.id));
    expect(b.json().serial).toMatch(/^HN-20\d\d-000001$/);
  });

  it.skipIf(!onPostgres())(
    'serials stay unique when many certificates are issued at the same moment (PostgreSQL)',
    async () => {
      const center = await t.seed.center({ serialPrefix: 'PAR' });
      const enrollments = await Promise.all(Array.from({ length: 20 }, () => enrollment(center.id)));
      const results = await Promise.all(enrollments.map((e) => issue(e.id, actors.center(center.id))));
      expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 201));
      const numbers = results.map((r) => Number(r.json().serial.slice(-6))).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    },
  );

  it.skipIf(!onPostgres())(
    'two clerks issuing the same enrollment at once get one certificate and one 409 (PostgreSQL)',
    async () => {
      const e = await enrollment(centerA.id);
      const results = await Promise.all([issue(e.id), issue(e.id)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    },
  );
});

describe('printing certificates', () => {
  let certId: string;
  beforeAll(async () => {
    const e = await t.seed.enrollment({
      courseId: (await t.seed.course({ trainingCenterId: centerA.id, kind: 'language' })).id,
      candidateId: candidate.id,
      outcome: 'passed',
    });
    certId = (await issue(e.id)).json().id;
  });

  it('the PDF shows the exact name with diacritics, the serial and the verification link', async () => {
    const res = await t.request({
      method: 'GET',
      url: `/certificates/${certId}/pdf`,
      as: actors.center(centerA.id),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const [page] = await pdfPages(res.rawPayload);
    const cert = (
      await t.request({ method: 'GET', url: `/certificates/${certId}`, as: actors.admin() })
    ).json();
    expect(page).toContain(longName);
    expect(page).toContain(cert.serial);
    expect(page).toContain(`/verify/${cert.serial}?code=${cert.verifyCode}`);
  });

  it('the province officer of the trainee and the partner who selected them may print it; others get 404', async () => {
    const url = `/certificates/${certId}/pdf`;
    expect((await t.request({ method: 'GET', url, as: actors.province('80') })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url, as: actors.partner(partnerP.id) })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url, as: actors.province('01') })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url, as: actors.partner(partnerQ.id) })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url, as: actors.center(centerB.id) })).statusCode).toBe(404);
  });

  it("lists a trainee's certificates for the center, and nothing for another center", async () => {
    const url = `/certificates?candidateId=${candidate.id}`;
    const mine = await t.request({ method: 'GET', url, as: actors.center(centerA.id) });
    expect(mine.json().items.length).toBeGreaterThanOrEqual(3);
    expect(mine.json().items.every((c: { holderName: string }) => c.holderName === longName)).toBe(true);
    const theirs = await t.request({ method: 'GET', url, as: actors.center(centerB.id) });
    expect(theirs.json().items).toEqual([]);
  });

  it("lists one course's certificates (its batch) with ?courseId=, within the caller's scope", async () => {
    const course = await t.seed.course({ trainingCenterId: centerA.id, kind: 'vocational' });
    const serials: string[] = [];
    for (let i = 0; i < 3; i++) {
      const trainee = await t.seed.candidate({ trainingCenterId: centerA.id });
      const e = await t.seed.enrollment({ courseId: course.id, candidateId: trainee.id, outcome: 'passed' });
      serials.push((await issue(e.id)).json().serial);
    }
    // A certificate of another course of the same center stays out.
    await issue((await enrollment(centerA.id)).id);
    const url = `/certificates?courseId=${course.id}`;
    const mine = await t.request({ method: 'GET', url, as: actors.center(centerA.id) });
    expect(mine.statusCode).toBe(200);
    expect(
      mine
        .json()
        .items.map((c: { serial: string }) => c.serial)
        .sort(),
    ).toEqual(serials.sort());
    const theirs = await t.request({ method: 'GET', url, as: actors.center(centerB.id) });
    expect(theirs.json().items).toEqual([]);
    const bad = await t.request({
      method: 'GET',
      url: '/certificates?courseId=nope',
      as: actors.center(centerA.id),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('a partner listing the certificates of its selected candidate leaves one disclosure per item shown', async () => {
    const disclosures = async () =>
      (
        await t.request({
          method: 'GET',
          url: `/audit?entity=disclosure&entityId=${candidate.id}&limit=200`,
          as: actors.admin(),
        })
      ).json().items as { actorId: string; after: { partnerId: string; what: string } }[];
    const before = await disclosures();
    const url = `/certificates?candidateId=${candidate.id}&limit=2`;
    // The center works inside its own remit: no disclosure.
    expect((await t.request({ method: 'GET', url, as: actors.center(centerA.id) })).statusCode).toBe(200);
    expect(await disclosures()).toHaveLength(before.length);
    const listed = await t.request({ method: 'GET', url, as: actors.partner(partnerP.id) });
    expect(listed.statusCode).toBe(200);
    const serials = listed.json().items.map((c: { serial: string }) => c.serial);
    expect(serials).toHaveLength(2);
    const after = await disclosures();
    const added = after.slice(0, after.length - before.length);
    expect(added.map((d) => d.after.what).sort()).toEqual(
      serials.map((s: string) => `certificate ${s} (list)`).sort(),
    );
    expect(
      added.every((d) => d.after.partnerId === partnerP.id && d.actorId === actors.partner(partnerP.id).id),
    ).toBe(true);
    // A partner that selected nobody sees no item and discloses nothing.
    const none = await t.request({ method: 'GET', url, as: actors.partner(partnerQ.id) });
    expect(none.json().items).toEqual([]);
    expect(await disclosures()).toHaveLength(before.length + 2);
  });
});

describe('batch printing', () => {
  let ids: string[];
  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 3; i++) ids.push((await issue((await enrollment(centerA.id)).id)).json().id);
  });

  it('prints one page per certificate in one PDF', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      payload: { ids },
      as: actors.center(centerA.id),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(await pdfPageCount(res.rawPayload)).toBe(3);
  });

  it("prints nothing when one certificate is outside the caller's scope", async () => {
    const other = (await issue((await enrollment(centerB.id)).id, actors.center(centerB.id))).json().id;
    const res = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      payload: { ids: [...ids, other] },
      as: actors.center(centerA.id),
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().errors).toEqual([{ path: 'ids.3', message: 'is not a certificate you can print' }]);
  });

  it('prints nothing when one certificate is revoked', async () => {
    const revoked = (await issue((await enrollment(centerA.id)).id)).json().id;
    await t.request({
      method: 'POST',
      url: `/certificates/${revoked}/revoke`,
      payload: { reason: 'Issued by mistake' },
      as: actors.center(centerA.id),
    });
    const res = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      payload: { ids: [revoked, ...ids] },
      as: actors.admin(),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].path).toBe('ids.0');
  });

  it('rejects a repeated id naming the field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      payload: { ids: [ids[0], ids[0]] },
      as: actors.admin(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'ids', message: 'must not repeat an id' }]);
  });

  it('prints 1,000 certificates in one request', async () => {
    const center = await t.seed.center({ serialPrefix: 'BIG' });
    const course = await t.seed.course({ trainingCenterId: center.id });
    // 1,000 trainees, enrollments and certificates in three statements.
    await t.database.db.execute(sql`
      with c as (
        insert into candidates (full_name, name_search, date_of_birth, gender, home_province_code,
          home_province_2025, occupation_field, training_center_id)
        select 'Trần Thị Ngọc Ánh ' || g, 'tran thi ngoc anh ' || g, '2000-01-01', 'female', '80', '80',
          'construction', ${center.id}
        from generate_series(1, 1000) g
        returning id
      )
      insert into enrollments (course_id, candidate_id, outcome) select ${course.id}, id, 'passed' from c`);
    await t.database.db.execute(sql`
      insert into certificates (serial, verify_code, type, enrollment_id, candidate_id, training_center_id,
        issued_on, holder_name, holder_birth_date, course_name, course_kind, course_hours, course_starts_on,
        course_ends_on)
      select 'BIG-2026-' || lpad((row_number() over ())::text, 6, '0'), 'ABCDEFGHJKMN', 'training_completion',
        e.id, e.candidate_id, ${center.id}, '2026-03-05', c.full_name, c.date_of_birth, 'Khóa kỹ năng', 'vocational',
        300, '2025-09-01', '2026-02-28'
      from enrollments e join candidates c on c.id = e.candidate_id where e.course_id = ${course.id}`);
    const rows = (await t
      .request({
        method: 'GET',
        url: '/certificates?limit=500',
        as: actors.center(center.id),
      })
      .then(async (first) => {
        const second = await t.request({
          method: 'GET',
          url: `/certificates?limit=500&cursor=${first.json().nextCursor}`,
          as: actors.center(center.id),
        });
        return [...first.json().items, ...second.json().items];
      })) as { id: string }[];
    expect(rows).toHaveLength(1000);
    const res = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      payload: { ids: rows.map((r) => r.id) },
      as: actors.center(center.id),
    });
    expect(res.statusCode).toBe(200);
    expect(await pdfPageCount(res.rawPayload)).toBe(1000);
  }, 60_000);
});

describe('revoking and verifying', () => {
  let cert: { id: string; serial: string; verifyCode: string };
  beforeAll(async () => {
    const e = await t.seed.enrollment({
      courseId: (await t.seed.course({ trainingCenterId: centerA.id, kind: 'vocational' })).id,
      candidateId: candidate.id,
      outcome: 'passed',
    });
    cert = (await issue(e.id)).json();
  });

  it('anyone can verify a certificate with its code, without a token, and sees only a masked name', async () => {
    const res = await t.request({ method: 'GET', url: `/verify/${cert.serial}?code=${cert.verifyCode}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true,
      revoked: false,
      revokedOn: null,
      revokeCategory: null,
      serial: cert.serial,
      type: 'training_completion',
      holderName: 'Nguyễn T. P. H. N. D. Q.',
      courseName: expect.any(String),
      courseKind: 'vocational',
      courseStartsOn: '2026-01-05',
      courseEndsOn: '2027-06-30',
      courseHours: 600,
      result: 'passed',
      score: null,
      jlptLevel: null,
      issuedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      issuer: 'Trung tâm Đào tạo Long An, Tây Ninh',
    });
  });

  it('a wrong code or an unknown serial gives 404', async () => {
    const wrong = await t.request({ method: 'GET', url: `/verify/${cert.serial}?code=AAAAAAAAAAAA` });
    expect(wrong.statusCode).toBe(404);
    const unknown = await t.request({ method: 'GET', url: `/verify/LA-1999-999999?code=${cert.verifyCode}` });
    expect(unknown.statusCode).toBe(404);
    const missing = await t.request({ method: 'GET', url: `/verify/${cert.serial}` });
    expect(missing.statusCode).toBe(400);
  });

  it('a province officer cannot revoke, nor a center that did not issue it', async () => {
    const payload = { reason: 'Not ours' };
    const url = `/certificates/${cert.id}/revoke`;
    expect((await t.request({ method: 'POST', url, payload, as: actors.province('80') })).statusCode).toBe(
      403,
    );
    expect(
      (await t.request({ method: 'POST', url, payload, as: actors.center(centerB.id) })).statusCode,
    ).toBe(404);
  });

  it('a revoked certificate verifies as revoked, is audited, cannot be printed, and can be reissued', async () => {
    const url = `/certificates/${cert.id}/revoke`;
    const res = await t.request({
      method: 'POST',
      url,
      payload: { reason: 'Họ tên ghi sai' },
      as: actors.center(centerA.id),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ revoked: true, revokeReason: 'Họ tên ghi sai' });

    const verify = await t.request({ method: 'GET', url: `/verify/${cert.serial}?code=${cert.verifyCode}` });
    expect(verify.json()).toMatchObject({ valid: false, revoked: true });

    const audit = await t.request({
      method: 'GET',
      url: `/audit?entity=certificate&entityId=${cert.id}`,
      as: actors.admin(),
    });
    expect(audit.json().items.map((i: { action: string }) => i.action)).toEqual(['revoke', 'issue']);
    expect(audit.json().items[0]).toMatchObject({ after: { revokeReason: 'Họ tên ghi sai' } });

    const pdf = await t.request({ method: 'GET', url: `/certificates/${cert.id}/pdf`, as: actors.admin() });
    expect(pdf.statusCode).toBe(409);
    const again = await t.request({ method: 'POST', url, payload: { reason: 'twice' }, as: actors.admin() });
    expect(again.statusCode).toBe(409);

    const enrollmentId = (
      await t.request({ method: 'GET', url: `/certificates/${cert.id}`, as: actors.admin() })
    ).json().enrollmentId;
    const reissued = await issue(enrollmentId);
    expect(reissued.statusCode).toBe(201);
    expect(reissued.json().serial).not.toBe(cert.serial);
  });

  it('masks names: family name in full, the other names as initials', () => {
    expect(maskName('Nguyễn Văn Đức')).toBe('Nguyễn V. Đ.');
    expect(maskName('  Lê   thị  ánh ')).toBe('Lê T. Á.');
    expect(maskName('Phạm')).toBe('Phạm');
    // A name stored decomposed (NFD) still masks to composed letters.
    expect(maskName('Nguyễn Ưng Ấn'.normalize('NFD'))).toBe('Nguyễn Ư. Ấ.');
  });
});

describe('placement letter', () => {
  const url = () => `/placements/${placementId}/letter.pdf`;

  it('is bilingual with the candidate, the employer and the prefecture in Japanese', async () => {
    const res = await t.request({ method: 'GET', url: url(), as: actors.center(centerA.id) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const [page] = await pdfPages(res.rawPayload);
    expect(page).toContain(longName);
    expect(page).toContain(employer);
    expect(page).toContain('岡山県');
    expect(page).toContain('岡山市北区');
    expect(page).toContain('Trung tâm Đào tạo Long An');
    expect(page).toContain('01/09/2026');
  });

  it('the partner of the job order and the province officer may print it; others get 404', async () => {
    expect((await t.request({ method: 'GET', url: url(), as: actors.partner(partnerP.id) })).statusCode).toBe(
      200,
    );
    expect((await t.request({ method: 'GET', url: url(), as: actors.province('80') })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: url(), as: actors.admin() })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: url(), as: actors.partner(partnerQ.id) })).statusCode).toBe(
      404,
    );
    expect((await t.request({ method: 'GET', url: url(), as: actors.province('01') })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: url(), as: actors.center(centerB.id) })).statusCode).toBe(
      404,
    );
  });
});
