import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { todayInVietnam } from '../src/lib/dates.ts';
import { searchKey } from '../src/modules/candidates/candidates.schemas.ts';
import { candidates } from '../src/modules/candidates/candidates.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors, nationalId } from './helpers/seed.ts';

let t: TestApp;
let center: { id: string };
let other: { id: string };
let as: Actor;

/** The date someone turns `age` today (born exactly `age` years ago). */
const bornYearsAgo = (age: number) => {
  const today = todayInVietnam();
  return `${Number(today.slice(0, 4)) - age}${today.slice(4)}`;
};

beforeAll(async () => {
  t = await createTestApp();
  center = await t.seed.center();
  other = await t.seed.center();
  as = actors.admin();
});
afterAll(() => t.close());

async function list(query: string, who: Actor = as) {
  const res = await t.request({ method: 'GET', url: `/candidates?${query}`, as: who });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { fullName: string; id: string; code: string }[]; nextCursor: string | null };
}

/** Every page of a query with limit=1, to check the keyset pages the ranked order exactly once. */
async function allPages(query: string) {
  const names: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await list(`${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    names.push(...page.items.map((c) => c.fullName));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return names;
}

describe('search that finds the person first', () => {
  it('q=Hường puts the people named Hường first, then Hương as a whole word, then names containing it', async () => {
    const c = center.id;
    // Created oldest first: without ranking, newest-first would put Phương and Hương ahead.
    await t.seed.candidate({ trainingCenterId: c, fullName: 'Trần Thị Hường' });
    await t.seed.candidate({ trainingCenterId: c, fullName: 'Lê Hường Giang' });
    await t.seed.candidate({ trainingCenterId: c, fullName: 'Nguyễn Thị Hương' });
    await t.seed.candidate({ trainingCenterId: c, fullName: 'Đỗ Thị Phương' });
    await t.seed.candidate({ trainingCenterId: c, fullName: 'Phạm Phương Thảo' });
    const names = (await list(`q=${encodeURIComponent('Hường')}&trainingCenterId=${c}`)).items.map(
      (i) => i.fullName,
    );
    expect(names.slice(0, 2).sort()).toEqual(['Lê Hường Giang', 'Trần Thị Hường']);
    expect(names[2]).toBe('Nguyễn Thị Hương');
    expect(names.slice(3).sort()).toEqual(['Phạm Phương Thảo', 'Đỗ Thị Phương']);
    // Newest first inside one rank.
    expect(names.slice(0, 2)).toEqual(['Lê Hường Giang', 'Trần Thị Hường']);
    expect(names.slice(3)).toEqual(['Phạm Phương Thảo', 'Đỗ Thị Phương']);

    // The same order page by page, each person exactly once.
    const paged = await allPages(`q=${encodeURIComponent('Hường')}&trainingCenterId=${c}`);
    expect(paged).toEqual(names);

    // Without accents: whole words (Hương and Hường alike) before parts of words, upper case too.
    const plain = (await list(`q=HUONG&trainingCenterId=${c}`)).items.map((i) => i.fullName);
    expect(plain).toHaveLength(5);
    expect(plain.slice(0, 3).sort()).toEqual(['Lê Hường Giang', 'Nguyễn Thị Hương', 'Trần Thị Hường']);
    expect(plain.slice(3).sort()).toEqual(['Phạm Phương Thảo', 'Đỗ Thị Phương']);
  });

  it('several accented words: as typed, adjacent and in order first; reversed or apart is no match', async () => {
    const c = (await t.seed.center()).id;
    for (const fullName of [
      'Nguyễn Văn An',
      'Nguyen Van Binh',
      'Văn Nguyễn Cường',
      'Nguyễn Thị Văn',
      'NGUYỄN VĂN DŨNG',
      'Trần Nguyễn Văn Đạt',
    ])
      await t.seed.candidate({ trainingCenterId: c, fullName });
    const names = (await list(`q=${encodeURIComponent('nguyễn văn')}&trainingCenterId=${c}`)).items.map(
      (i) => i.fullName,
    );
    // Newest first inside each rank: the three written with the accents, then the one without.
    expect(names).toEqual(['Trần Nguyễn Văn Đạt', 'NGUYỄN VĂN DŨNG', 'Nguyễn Văn An', 'Nguyen Van Binh']);
    // One word of several, accents as typed: the name holding both whole words but apart is not found.
    const van = (await list(`q=${encodeURIComponent('Văn')}&trainingCenterId=${c}`)).items.map(
      (i) => i.fullName,
    );
    expect(van.slice(0, 5).sort()).toEqual(
      [
        'Nguyễn Văn An',
        'NGUYỄN VĂN DŨNG',
        'Trần Nguyễn Văn Đạt',
        'Văn Nguyễn Cường',
        'Nguyễn Thị Văn',
      ].sort(),
    );
    expect(van[5]).toBe('Nguyen Van Binh');
  });

  it('a part of a code (a query with a digit) finds it', async () => {
    const a = await t.seed.candidate({ trainingCenterId: center.id, fullName: 'Mai Văn Số' });
    const part = a.code.slice(-6, -1);
    const found = await list(`q=${part}&limit=500`);
    expect(found.items.map((i) => i.id)).toContain(a.id);
    for (const item of found.items) expect(item.code).toContain(part);
  });

  it('among thousands: a common name is paged newest first, a rare older one still ranks first', async () => {
    const c = (await t.seed.center()).id;
    // 4,200 trainees of one center, one a second apart, oldest first: more than a tier walks through
    // newest first before it walks further or sorts its matches instead, so each way is taken. Mai:
    // 4 among the newest 4,000, 20 among the oldest 200 — a page of 10 takes the longer walk.
    const start = Date.parse('2024-01-01T00:00:00Z');
    const all = Array.from({ length: 4200 }, (_, i) => {
      const mai = i % 1000 === 500 || (i < 200 && i % 10 === 1);
      const fullName =
        i === 3 ? 'Lò Thị Hường' : mai ? 'Bùi Thị Mai' : i % 3 === 0 ? 'Bùi Thị Hương' : 'Bùi Thị Lan';
      return {
        id: randomUUID(),
        fullName,
        nameSearch: searchKey(fullName),
        dateOfBirth: '2000-01-15',
        gender: 'female',
        nationalId: nationalId(),
        homeProvinceCode: '80',
        provinceBoundaries: '2025',
        homeProvince2025: '80',
        occupationField: 'construction',
        trainingCenterId: c,
        createdAt: new Date(start + i * 1000),
      };
    });
    for (let i = 0; i < all.length; i += 1000)
      await t.database.db.insert(candidates).values(all.slice(i, i + 1000));
    const newestFirst = (name: string) =>
      all
        .filter((r) => r.fullName === name)
        .map((r) => r.id)
        .reverse();
    const huong = newestFirst('Bùi Thị Hương');
    const ids = async (q: string, limit: number, cursor?: string) => {
      const cut = cursor ? `&cursor=${cursor}` : '';
      const page = await list(`q=${encodeURIComponent(q)}&limit=${limit}${cut}`, actors.center(c));
      return { ids: page.items.map((i) => i.id), next: page.nextCursor };
    };

    // Common (a third of them): the newest 30 Hương, newest first, and the next page after them.
    const first = await ids('Hương', 30);
    expect(first.ids).toEqual(huong.slice(0, 30));
    expect((await ids('Hương', 30, first.next!)).ids).toEqual(huong.slice(30, 60));
    // Rare and older than the newest thousands: still first, then the Hương newest first, page by page.
    const rare = await ids('Hường', 3);
    expect(rare.ids).toEqual([all[3]!.id, ...huong.slice(0, 2)]);
    const one = await ids('Hường', 1);
    expect(one.ids).toEqual([all[3]!.id]);
    expect((await ids('Hường', 2, one.next!)).ids).toEqual(huong.slice(0, 2));
    // Plain letters: whole words first (Hương and Hường alike, newest first), then parts of words.
    expect((await ids('huong', 2)).ids).toEqual(huong.slice(0, 2));
    expect((await ids('Lò Thị', 5)).ids).toEqual([all[3]!.id]);
    // Few among the newest, more further back: the newest 10, then the next 10 after the cursor.
    const mai = newestFirst('Bùi Thị Mai');
    expect(mai).toHaveLength(24);
    const firstMai = await ids('mai', 10);
    expect(firstMai.ids).toEqual(mai.slice(0, 10));
    expect((await ids('mai', 10, firstMai.next!)).ids).toEqual(mai.slice(10, 20));
  });

  it('a whole code is the best match', async () => {
    const a = await t.seed.candidate({ trainingCenterId: center.id, fullName: 'Vũ Văn Mạnh' });
    const found = await list(`q=${a.code.toLowerCase()}`);
    expect(found.items[0]!.id).toBe(a.id);
  });

  it('filters by field, JLPT (that level or higher), center, gender and age', async () => {
    const c = other.id;
    const nursing = await t.seed.candidate({
      trainingCenterId: c,
      occupationField: 'nursing_care',
      jlptLevel: 'N3',
      gender: 'female',
      dateOfBirth: bornYearsAgo(25),
    });
    const builder = await t.seed.candidate({
      trainingCenterId: c,
      occupationField: 'construction',
      jlptLevel: 'N4',
      gender: 'male',
      dateOfBirth: bornYearsAgo(30),
    });
    const fluent = await t.seed.candidate({
      trainingCenterId: c,
      occupationField: 'nursing_care',
      jlptLevel: 'N1',
      gender: 'male',
      dateOfBirth: bornYearsAgo(19),
    });
    const none = await t.seed.candidate({
      trainingCenterId: c,
      jlptLevel: null,
      dateOfBirth: bornYearsAgo(40),
    });
    const ids = async (q: string) => (await list(`trainingCenterId=${c}&${q}`)).items.map((i) => i.id).sort();

    expect(await ids('')).toEqual([nursing.id, builder.id, fluent.id, none.id].sort());
    expect(await ids('occupationField=nursing_care')).toEqual([nursing.id, fluent.id].sort());
    expect(await ids('jlptLevel=N3')).toEqual([nursing.id, fluent.id].sort());
    expect(await ids('jlptLevel=N5')).toEqual([nursing.id, builder.id, fluent.id].sort());
    expect(await ids('gender=female')).toEqual([nursing.id]);
    // Age bounds include the birthday today: 25 and 30 are in [25, 30]; 19 and 40 are not.
    expect(await ids('ageMin=25&ageMax=30')).toEqual([nursing.id, builder.id].sort());
    expect(await ids('ageMax=24')).toEqual([fluent.id]);
    expect(await ids('ageMin=31')).toEqual([none.id]);
    expect(await ids('occupationField=nursing_care&gender=male&jlptLevel=N2')).toEqual([fluent.id]);

    // A center sees only its own trainees, whatever center it names.
    const foreign = await list(`trainingCenterId=${c}`, actors.center(center.id));
    expect(foreign.items).toEqual([]);
  });

  it('refuses unknown filters and bad values, naming them', async () => {
    for (const [query, path] of [
      ['statuss=ready', 'statuss'],
      ['occupationField=astronaut', 'occupationField'],
      ['jlptLevel=N6', 'jlptLevel'],
      ['gender=x', 'gender'],
      ['ageMin=-1', 'ageMin'],
      ['ageMin=40&ageMax=30', 'ageMax'],
      ['trainingCenterId=nope', 'trainingCenterId'],
    ] as const) {
      const res = await t.request({ method: 'GET', url: `/candidates?${query}`, as });
      expect(res.statusCode, query).toBe(400);
      expect(JSON.stringify(res.json()), query).toContain(path);
    }
  });
});
