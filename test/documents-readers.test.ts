import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInVietnam } from '../src/lib/dates.ts';
import { anonymiseWithdrawnCandidates } from '../src/modules/candidates/candidates.jobs.ts';
import { candidatePhotos } from '../src/modules/documents/documents.table.ts';
import { suggestKana } from '../src/modules/documents/kana.ts';
import { prefersHtml } from '../src/modules/documents/verify-page.ts';
import { photoInfo } from '../src/pdf/photo.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';
import { pdfPageCount, pdfPages } from './pdf-extract.ts';

const JPEG = readFileSync(new URL('./fixtures/photo.jpg', import.meta.url));
const PNG = readFileSync(new URL('./fixtures/photo.png', import.meta.url));
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
// Serials take the year in Vietnam, which starts seven hours before UTC's.
const year = todayInVietnam().slice(0, 4);

let t: TestApp;
let center: { id: string };
let otherCenter: { id: string };
let partner: { id: string };
let otherPartner: { id: string };
let order: { id: string };
let trainee: { id: string; nationalId: string | null; phone: string | null };
let cert: { id: string; serial: string; verifyCode: string };

beforeAll(async () => {
  t = await createTestApp();
  center = await t.seed.center({
    name: 'Trung tâm Đào tạo Long An',
    serialPrefix: 'LA',
    provinceCode: '80',
    directorName: 'Trần Văn Bình',
  });
  otherCenter = await t.seed.center({ name: 'Trung tâm Hà Nội', serialPrefix: 'HN', provinceCode: '01' });
  partner = await t.seed.partner({ name: 'Okayama Kyodo Kumiai' });
  otherPartner = await t.seed.partner({ name: 'Other Kumiai' });
  order = await t.seed.jobOrder({ partnerId: partner.id, employerName: '株式会社岡山精密' });
  trainee = await t.seed.candidate({
    trainingCenterId: center.id,
    fullName: 'Nguyễn Thị Lan',
    dateOfBirth: '1999-11-02',
    gender: 'female',
    homeProvinceCode: '80',
    occupationField: 'nursing_care',
    jlptLevel: 'N4',
    phone: '+84912345678',
  });
  const course = await t.seed.course({
    trainingCenterId: center.id,
    name: 'Tiếng Nhật <N4> & hội thoại',
    kind: 'language',
    startsOn: '2026-01-05',
    endsOn: '2026-06-30',
  });
  const enrollment = await t.seed.enrollment({
    courseId: course.id,
    candidateId: trainee.id,
    outcome: 'passed',
    score: 82.5,
    jlptLevel: 'N4',
  });
  const issued = await t.request({
    method: 'POST',
    url: '/certificates',
    payload: { enrollmentId: enrollment.id },
    as: actors.center(center.id),
  });
  expect(issued.statusCode).toBe(201);
  cert = issued.json();
});
afterAll(() => t.close());

const verifyUrl = (c: { serial: string; verifyCode: string }) => `/verify/${c.serial}?code=${c.verifyCode}`;

describe('the verification page a phone opens from the QR code', () => {
  it('a browser gets a page in Vietnamese and Japanese saying the certificate is valid, with what the paper must show', async () => {
    const res = await t.request({ method: 'GET', url: verifyUrl(cert), headers: { accept: BROWSER } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('HỢP LỆ');
    expect(html).toContain('有効');
    expect(html).toContain(cert.serial);
    expect(html).toContain('Nguyễn T. L.');
    expect(html).not.toContain('Nguyễn Thị Lan');
    // The course name is escaped, not markup.
    expect(html).toContain('Tiếng Nhật &lt;N4&gt; &amp; hội thoại');
    expect(html).toContain('05/01/2026 – 30/06/2026');
    expect(html).toContain('2026年1月5日');
    expect(html).toContain('82,5');
    expect(html).toContain('JLPT N4');
    expect(html).toContain('Trung tâm Đào tạo Long An, Tây Ninh');
    expect(html).toContain('Hãy đối chiếu với bản giấy');
    expect(html).toContain('紙の証明書と照合してください');
    expect(html).toContain('Certificate verification');
  });

  it('the page runs no script and its CSP allows only its own style block', async () => {
    const res = await t.request({ method: 'GET', url: verifyUrl(cert), headers: { accept: BROWSER } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(res.body).not.toMatch(/<script/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers.vary).toContain('Accept');
    expect(res.body).toContain('name="viewport" content="width=device-width');
  });

  it('API clients keep JSON, with every fact the paper shows', async () => {
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const res = await t.request({
        method: 'GET',
        url: verifyUrl(cert),
        headers: accept ? { accept } : {},
      });
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual({
        valid: true,
        revoked: false,
        revokedOn: null,
        revokeCategory: null,
        serial: cert.serial,
        type: 'training_completion',
        holderName: 'Nguyễn T. L.',
        courseName: 'Tiếng Nhật <N4> & hội thoại',
        courseKind: 'language',
        courseStartsOn: '2026-01-05',
        courseEndsOn: '2026-06-30',
        courseHours: 600,
        result: 'passed',
        score: 82.5,
        jlptLevel: 'N4',
        issuedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        issuer: 'Trung tâm Đào tạo Long An, Tây Ninh',
      });
    }
  });

  it('tells browsers from API clients by what Accept prefers', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json;q=0.9, text/html')).toBe(true);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });

  it('an unknown serial or a wrong code is a 404 page for a browser and a 404 problem for an API client', async () => {
    const page = await t.request({
      method: 'GET',
      url: `/verify/${cert.serial}?code=AAAAAAAAAAAA`,
      headers: { accept: BROWSER },
    });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Không tìm thấy giấy chứng nhận');
    expect(page.body).toContain('証明書が見つかりません');
    const api = await t.request({ method: 'GET', url: `/verify/LA-1999-999999?code=${cert.verifyCode}` });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('a revoked certificate says so, with the day and the category but not the internal reason', async () => {
    const trainee2 = await t.seed.candidate({ trainingCenterId: center.id, fullName: 'Lê Văn Hùng' });
    const course = await t.seed.course({ trainingCenterId: center.id, kind: 'vocational' });
    const e = await t.seed.enrollment({ courseId: course.id, candidateId: trainee2.id, outcome: 'passed' });
    const issued = (
      await t.request({
        method: 'POST',
        url: '/certificates',
        payload: { enrollmentId: e.id },
        as: actors.center(center.id),
      })
    ).json();
    // Checked while valid (the answer is then kept a few seconds, VERIFY_CACHE_MS): the revocation still shows at once.
    const before = await t.request({ method: 'GET', url: verifyUrl(issued), headers: { accept: BROWSER } });
    expect(before.body).toContain('HỢP LỆ');
    const revoke = await t.request({
      method: 'POST',
      url: `/certificates/${issued.id}/revoke`,
      payload: { reason: 'Ngày sinh ghi sai, khách hàng phàn nàn', category: 'data_error' },
      as: actors.center(center.id),
    });
    expect(revoke.statusCode).toBe(200);
    const page = await t.request({ method: 'GET', url: verifyUrl(issued), headers: { accept: BROWSER } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ĐÃ THU HỒI');
    expect(page.body).toContain('取消し');
    expect(page.body).not.toContain('HỢP LỆ');
    expect(page.body).toContain('Sai thông tin trên chứng nhận');
    expect(page.body).toContain('記載内容の誤り');
    expect(page.body).not.toContain('khách hàng phàn nàn');
    const json = (await t.request({ method: 'GET', url: verifyUrl(issued) })).json();
    expect(json).toMatchObject({
      valid: false,
      revoked: true,
      revokeCategory: 'data_error',
      revokedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(page.body).toContain(json.revokedOn.split('-').reverse().join('/'));
  });
});

describe('the certificate as printed', () => {
  it("a center sets its own director's name; another center and partners cannot", async () => {
    const url = `/training-centers/${otherCenter.id}`;
    const own = await t.request({
      method: 'PATCH',
      url,
      payload: { directorName: '  Phạm   Thị Hoa ' },
      as: actors.center(otherCenter.id),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ directorName: 'Phạm Thị Hoa' });
    const foreign = await t.request({
      method: 'PATCH',
      url,
      payload: { directorName: 'X' },
      as: actors.center(center.id),
    });
    expect(foreign.statusCode).toBe(404);
    const partnerTry = await t.request({
      method: 'PATCH',
      url,
      payload: { directorName: 'X' },
      as: actors.partner(partner.id),
    });
    expect(partnerTry.statusCode).toBe(403);
    const empty = await t.request({ method: 'PATCH', url, payload: {}, as: actors.admin() });
    expect(empty.statusCode).toBe(400);
  });

  it('shows dates in both styles, the score with a decimal comma for Vietnamese, and the director under the signature space', async () => {
    const res = await t.request({ method: 'GET', url: `/certificates/${cert.id}/pdf`, as: actors.admin() });
    expect(res.statusCode).toBe(200);
    const [page] = await pdfPages(res.rawPayload);
    expect(page).toContain('02/11/1999 (1999年11月2日)');
    expect(page).toContain('2026年1月5日');
    expect(page).toContain('82,5 / 82.5点');
    expect(page).toContain('Trần Văn Bình');
    expect(page).toContain('(Ký, ghi rõ họ tên và đóng dấu)');
    expect(page).toContain('（署名・捺印）');
  });
});

describe('the candidate photo', () => {
  const put = (body: Buffer | string, contentType: string, as = actors.center(center.id), id = trainee.id) =>
    t.request({
      method: 'PUT',
      url: `/candidates/${id}/photo`,
      payload: body,
      headers: { 'content-type': contentType },
      as,
    });

  it('reads the type and size from the bytes', () => {
    expect(photoInfo(JPEG)).toMatchObject({ contentType: 'image/jpeg', width: expect.any(Number) });
    expect(photoInfo(PNG)).toMatchObject({ contentType: 'image/png', width: 150, height: 200 });
  });

  it('a center stores a JPEG or a PNG of its trainee, whatever the declared type', async () => {
    expect((await put(PNG, 'image/png')).statusCode).toBe(204);
    expect((await put(JPEG, 'application/octet-stream')).statusCode).toBe(204);
  });

  it('refuses what is not a JPEG or PNG (415), a damaged image (400) and more than 2 MB (413)', async () => {
    const text = await put('this is not a photo', 'image/jpeg');
    expect(text.statusCode).toBe(415);
    const gif = await put(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/png');
    expect(gif.statusCode).toBe(415);
    const cut = await put(PNG.subarray(0, 60), 'image/png');
    expect(cut.statusCode).toBe(400);
    expect(cut.json().errors).toEqual([{ path: 'body', message: 'must be a readable JPEG or PNG image' }]);
    const big = await put(Buffer.concat([JPEG, Buffer.alloc(2 * 1024 * 1024)]), 'image/jpeg');
    expect(big.statusCode).toBe(413);
    const json = await t.request({
      method: 'PUT',
      url: `/candidates/${trainee.id}/photo`,
      payload: { photo: 'x' },
      as: actors.center(center.id),
    });
    expect(json.statusCode).toBe(415);
  });

  it('is removed with the name and the profile fields when the candidate is anonymised', async () => {
    const gone = await t.seed.candidate({
      trainingCenterId: center.id,
      status: 'withdrawn',
      statusChangedAt: new Date('2015-01-01T00:00:00Z'),
      fullNameKana: 'グエン・ヴァン・ナム',
      motivation: 'Làm việc ở Nhật',
      education: [{ from: '2010-09', to: '2013-06', school: 'THPT Tân An', note: null }],
    });
    expect((await put(JPEG, 'image/jpeg', actors.center(center.id), gone.id)).statusCode).toBe(204);
    await anonymiseWithdrawnCandidates({ db: t.database.db, config: { retentionYears: 5 }, now: new Date() });
    const photos = await t.database.db
      .select()
      .from(candidatePhotos)
      .where(eq(candidatePhotos.candidateId, gone.id));
    expect(photos).toEqual([]);
    const record = (
      await t.request({ method: 'GET', url: `/candidates/${gone.id}`, as: actors.admin() })
    ).json();
    expect(record).toMatchObject({ fullNameKana: null, motivation: null, education: null });
  });

  it("another center cannot set a trainee's photo, and partners and province officers may not at all", async () => {
    expect((await put(JPEG, 'image/jpeg', actors.center(otherCenter.id))).statusCode).toBe(404);
    expect((await put(JPEG, 'image/jpeg', actors.partner(partner.id))).statusCode).toBe(403);
    expect((await put(JPEG, 'image/jpeg', actors.province('80'))).statusCode).toBe(403);
  });
});

describe('the profile sheet (履歴書)', () => {
  beforeAll(async () => {
    const patch = await t.request({
      method: 'PATCH',
      url: `/candidates/${trainee.id}`,
      payload: {
        version: 1,
        fullNameKana: 'グエン・ティ・ラン',
        motivation: 'Tôi muốn học kỹ thuật chăm sóc người cao tuổi của Nhật Bản.',
        education: [
          { from: '2017-09', to: '2020-06', school: 'Trường THPT Lê Quý Đôn', note: 'Tốt nghiệp' },
          { from: '2020-09', school: 'Cao đẳng Y tế Long An' },
        ],
      },
      as: actors.center(center.id),
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({
      fullNameKana: 'グエン・ティ・ラン',
      education: [
        { from: '2017-09', to: '2020-06', school: 'Trường THPT Lê Quý Đôn', note: 'Tốt nghiệp' },
        { from: '2020-09', to: null, school: 'Cao đẳng Y tế Long An', note: null },
      ],
    });
  });

  const profile = (lang: 'ja' | 'vi', as = actors.center(center.id), id = trainee.id) =>
    t.request({ method: 'GET', url: `/candidates/${id}/profile.pdf?lang=${lang}`, as });

  it('in Japanese: name in Latin letters and katakana, both date styles, schooling, courses, JLPT and motivation', async () => {
    const res = await profile('ja');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const [page] = await pdfPages(res.rawPayload);
    for (const text of [
      '履 歴 書',
      'フリガナ',
      'グエン・ティ・ラン',
      'Nguyễn Thị Lan',
      '1999年11月2日 (02/11/1999)',
      '女 / Nữ',
      'Tây Ninh',
      '介護',
      'JLPT N4',
      '2017年9月 – 2020年6月',
      'Trường THPT Lê Quý Đôn',
      '2020年9月 – 現在',
      'Tiếng Nhật <N4> & hội thoại',
      '合格, 82.5 点, JLPT N4',
      '志望動機',
      'Tôi muốn học kỹ thuật chăm sóc người cao tuổi của Nhật Bản.',
    ]) {
      expect(page).toContain(text);
    }
  });

  it('in Vietnamese: Vietnamese labels and a decimal comma', async () => {
    const [page] = await pdfPages((await profile('vi')).rawPayload);
    for (const text of [
      'SƠ YẾU LÝ LỊCH',
      'Họ và tên',
      '02/11/1999 (1999年11月2日)',
      'Đạt, 82,5 điểm',
      '09/2017 – 06/2020',
      'Động cơ, nguyện vọng',
    ]) {
      expect(page).toContain(text);
    }
  });

  it('never prints the national ID or the phone', async () => {
    for (const lang of ['ja', 'vi'] as const) {
      const [page] = await pdfPages((await profile(lang, actors.admin())).rawPayload);
      expect(page).not.toContain(trainee.nationalId!);
      expect(page).not.toContain('912345678');
    }
  });

  it('a partner prints it only once it selected the candidate, and each print is recorded as a disclosure', async () => {
    expect((await profile('ja', actors.partner(partner.id))).statusCode).toBe(404);
    await t.seed.placement({
      candidateId: trainee.id,
      jobOrderId: order.id,
      employerName: '株式会社岡山精密',
    });
    expect((await profile('ja', actors.partner(partner.id))).statusCode).toBe(200);
    expect((await profile('ja', actors.partner(otherPartner.id))).statusCode).toBe(404);
    expect((await profile('ja', actors.center(otherCenter.id))).statusCode).toBe(404);
    expect((await profile('ja', actors.province('80'))).statusCode).toBe(403);
    const audit = await t.request({
      method: 'GET',
      url: `/audit?entity=disclosure&entityId=${trainee.id}`,
      as: actors.admin(),
    });
    expect(audit.json().items.map((i: { after: { what: string } }) => i.after.what)).toContain(
      'profile sheet (ja)',
    );
  });

  it('the partner of a job order prints the profiles of all its selected candidates as one PDF', async () => {
    const second = await t.seed.candidate({ trainingCenterId: otherCenter.id, fullName: 'Phạm Minh Tuấn' });
    await t.seed.placement({ candidateId: second.id, jobOrderId: order.id });
    const cancelled = await t.seed.candidate({ trainingCenterId: center.id, fullName: 'Đỗ Văn Nam' });
    await t.seed.placement({ candidateId: cancelled.id, jobOrderId: order.id, status: 'cancelled' });
    const url = `/job-orders/${order.id}/profiles.pdf?lang=ja`;
    const res = await t.request({ method: 'GET', url, as: actors.partner(partner.id) });
    expect(res.statusCode).toBe(200);
    expect(await pdfPageCount(res.rawPayload)).toBe(2);
    const pages = await pdfPages(res.rawPayload);
    expect(pages.join('\n')).toContain('Phạm Minh Tuấn');
    expect(pages.join('\n')).not.toContain('Đỗ Văn Nam');
    // Without a katakana name on record, the sheet suggests one.
    expect(pages.join('\n')).toContain('ファム・ミン・トゥアン');
    expect((await t.request({ method: 'GET', url, as: actors.admin() })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url, as: actors.partner(otherPartner.id) })).statusCode).toBe(
      404,
    );
    expect((await t.request({ method: 'GET', url, as: actors.center(center.id) })).statusCode).toBe(403);
  });

  it('names the field when the katakana, the education or the language is wrong', async () => {
    const current = (
      await t.request({ method: 'GET', url: `/candidates/${trainee.id}`, as: actors.admin() })
    ).json();
    const res = await t.request({
      method: 'PATCH',
      url: `/candidates/${trainee.id}`,
      payload: {
        version: current.version,
        fullNameKana: 'Nguyen Thi Lan',
        education: [{ from: '2020-13', school: 'X' }],
      },
      as: actors.center(center.id),
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['fullNameKana', 'education.0.from']));
    const lang = await t.request({
      method: 'GET',
      url: `/candidates/${trainee.id}/profile.pdf?lang=en`,
      as: actors.admin(),
    });
    expect(lang.statusCode).toBe(400);
    expect(lang.json().errors[0].path).toBe('lang');
  });

  it('suggests katakana for Vietnamese names, and nothing for a syllable it does not know', () => {
    expect(suggestKana('Nguyễn Văn Đức')).toBe('グエン・ヴァン・ドゥック');
    expect(suggestKana('Trần Thị Dung')).toBe('チャン・ティ・ズン');
    expect(suggestKana('Nguyễn Văn Xyz')).toBeNull();
  });
});

describe('placement letters', () => {
  it('are numbered per center and year when first printed, and keep their number on reprint', async () => {
    const a = await t.seed.candidate({ trainingCenterId: center.id });
    const b = await t.seed.candidate({ trainingCenterId: center.id });
    const pa = await t.seed.placement({
      candidateId: a.id,
      jobOrderId: order.id,
      employerNameLatin: 'Okayama Seimitsu Co., Ltd.',
    });
    const pb = await t.seed.placement({ candidateId: b.id, jobOrderId: order.id });
    const letter = async (id: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/placements/${id}/letter.pdf`,
        as: actors.center(center.id),
      });
      expect(res.statusCode).toBe(200);
      return (await pdfPages(res.rawPayload))[0]!;
    };
    const first = await letter(pa.id);
    const serialA = /LA-PL-\d{4}-\d{6}/.exec(first)?.[0];
    expect(serialA).toMatch(new RegExp(`^LA-PL-${year}-\\d{6}$`));
    expect(first).toContain('Okayama Seimitsu Co., Ltd.');
    const serialB = /LA-PL-\d{4}-\d{6}/.exec(await letter(pb.id))?.[0];
    expect(Number(serialB!.slice(-6))).toBe(Number(serialA!.slice(-6)) + 1);
    expect(await letter(pa.id)).toContain(serialA!);
    const filename = (
      await t.request({ method: 'GET', url: `/placements/${pa.id}/letter.pdf`, as: actors.admin() })
    ).headers['content-disposition'];
    expect(filename).toContain(serialA!);
  });
});
