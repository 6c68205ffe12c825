import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors, nationalId, registration } from './helpers/seed.ts';

let t: TestApp;
let as: Actor;

beforeAll(async () => {
  t = await createTestApp();
  const center = await t.seed.center();
  as = actors.center(center.id);
});
afterAll(() => t.close());

/** A registration with a birth date that does not exist and a field the API does not have. */
const badRegistration = (lang?: string) =>
  t.request({
    method: 'POST',
    url: '/candidates',
    as,
    headers: lang ? { 'accept-language': lang } : {},
    payload: registration({ dateOfBirth: '1999-02-30', nickname: 'An', gender: 'nam' }),
  });

describe('problem answers in the reader’s language', () => {
  const readers = [
    {
      who: 'a Vietnamese clerk in Vietnamese',
      header: 'vi-VN,vi;q=0.9,en;q=0.5',
      lang: 'vi',
      title: 'Dữ liệu không hợp lệ',
      dateOfBirth: 'phải là ngày theo dạng YYYY-MM-DD',
      gender: 'phải là một trong các giá trị: male, female',
      nickname: 'không phải trường dữ liệu được hỗ trợ',
      detail: /^Có lỗi trong dữ liệu gửi lên: .*nickname không phải trường dữ liệu được hỗ trợ/,
    },
    {
      who: 'a Japanese recruiter in Japanese',
      header: 'ja',
      lang: 'ja',
      title: '入力内容に誤りがあります',
      dateOfBirth: 'YYYY-MM-DD 形式の日付にしてください',
      gender: '次のいずれかにしてください：male, female',
      nickname: '存在しない項目です',
      detail: /^送信データに誤りがあります：.*nickname：存在しない項目です/,
    },
  ];
  for (const reader of readers) {
    it(`answers ${reader.who}, naming each field and echoing the values`, async () => {
      const res = await badRegistration(reader.header);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['content-language']).toBe(reader.lang);
      const problem = res.json();
      expect(problem.type).toBe('https://kakehashi.example/problems/validation');
      expect(problem.title).toBe(reader.title);
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { path: 'dateOfBirth', message: reader.dateOfBirth },
          { path: 'gender', message: reader.gender },
          { path: 'nickname', message: reader.nickname },
        ]),
      );
      expect(problem.detail).toMatch(reader.detail);
      expect(problem.detail).toContain('dateOfBirth');
    });
  }

  it('answers in English, as before, without the header or for a language it does not have', async () => {
    for (const lang of [undefined, 'fr-FR, de;q=0.8', 'vi;q=0']) {
      const res = await badRegistration(lang);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-language'], String(lang)).toBe('en');
      const problem = res.json();
      expect(problem.title).toBe('Validation Failed');
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { path: 'dateOfBirth', message: 'must be a date YYYY-MM-DD' },
          { path: 'nickname', message: 'is not a known field' },
        ]),
      );
      expect(problem.detail).toMatch(/^The body is not valid: /);
    }
  });

  it('takes the language the header prefers most', async () => {
    const res = await badRegistration('en;q=0.3, ja;q=0.8, vi;q=0.5');
    expect(res.headers['content-language']).toBe('ja');
    expect(res.json().title).toBe('入力内容に誤りがあります');
  });

  it('says a trainee was not found in Japanese', async () => {
    const res = await t.request({
      method: 'GET',
      url: `/candidates/${randomUUID()}`,
      as,
      headers: { 'accept-language': 'ja-JP' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-language']).toBe('ja');
    expect(res.json()).toMatchObject({ title: '見つかりません', detail: '研修生が見つかりません。' });
  });

  it('says a national ID is already registered in Japanese, echoing the number and the code', async () => {
    const first = await t.request({ method: 'POST', url: '/candidates', as, payload: registration() });
    expect(first.statusCode, first.body).toBe(201);
    const { nationalId: id, code } = first.json();
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as,
      headers: { 'accept-language': 'ja' },
      payload: registration({ nationalId: id }),
    });
    expect(res.statusCode).toBe(409);
    const problem = res.json();
    expect(problem.title).toBe('競合');
    expect(problem.detail).toBe(`身分証番号 ${id} は研修生 ${code} として既に登録されています。`);
    expect(problem.errors).toEqual([{ path: 'nationalId', message: '既に登録されています' }]);
  });

  it('answers an unknown route and a refused token in the reader’s language', async () => {
    const route = await t.request({
      method: 'GET',
      url: '/no-such-thing',
      headers: { 'accept-language': 'vi' },
    });
    expect(route.statusCode).toBe(404);
    expect(route.json().detail).toBe('Không có đường dẫn GET /no-such-thing.');
    const token = await t.request({ method: 'GET', url: '/me', headers: { 'accept-language': 'ja' } });
    expect(token.statusCode).toBe(401);
    expect(token.headers['content-language']).toBe('ja');
    expect(token.json()).toMatchObject({
      title: '認証が必要です',
      detail: '有効なアクセストークンが必要です。',
    });
  });

  it('translates each row of a refused import, echoing the cell as it was typed', async () => {
    const header =
      'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,occupationField,jlptLevel,consentToShare';
    const row = ['Trần Thị Bích', '31/02/1999', 'female', nationalId(), '', '80', 'construction', 'N4', 'có'];
    const res = await t.request({
      method: 'POST',
      url: '/candidates/import',
      as,
      headers: { 'content-type': 'text/csv', 'accept-language': 'vi' },
      payload: [header, row.join(',')].join('\r\n'),
    });
    expect(res.statusCode, res.body).toBe(400);
    const problem = res.json();
    expect(problem.detail).toMatch(/^Chưa nhập dòng nào: 1 dòng của tệp có lỗi/);
    expect(problem.errors).toEqual([
      {
        row: 1,
        path: 'dateOfBirth',
        message:
          'phải là ngày theo dạng YYYY-MM-DD hoặc DD/MM/YYYY (giá trị "31/02/1999", dòng 2 của bảng tính)',
      },
    ]);
  });
});
