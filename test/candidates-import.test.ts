import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { auditLog } from '../src/modules/audit/audit.table.ts';
import { detectDelimiter } from '../src/modules/candidates/candidates.csv.ts';
import { importOut } from '../src/modules/candidates/candidates.schemas.ts';
import { candidateStatusHistory, candidates } from '../src/modules/candidates/candidates.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors, nationalId } from './helpers/seed.ts';

let t: TestApp;
let center: { id: string };
let as: Actor;

beforeAll(async () => {
  t = await createTestApp();
  center = await t.seed.center();
  as = actors.center(center.id);
});
afterAll(() => t.close());

const HEADER =
  'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,occupationField,jlptLevel,consentToShare';

function line(overrides: Partial<Record<string, string>> = {}) {
  const v = {
    fullName: 'Nguyễn Văn An',
    dateOfBirth: '2001-03-04',
    gender: 'male',
    nationalId: nationalId(),
    phone: '0912345678',
    homeProvinceCode: '80',
    occupationField: 'construction',
    jlptLevel: 'N4',
    consentToShare: 'true',
    ...overrides,
  };
  return [
    v.fullName,
    v.dateOfBirth,
    v.gender,
    v.nationalId,
    v.phone,
    v.homeProvinceCode,
    v.occupationField,
    v.jlptLevel,
    v.consentToShare,
  ].join(',');
}

const upload = (payload: string | Buffer, who: Actor = as, url = '/candidates/import', type = 'text/csv') =>
  t.request({ method: 'POST', url, as: who, headers: { 'content-type': type }, payload });

async function countIn(ids: string[]) {
  const [row] = await t.database.db
    .select({ n: count() })
    .from(candidates)
    .where(inArray(candidates.nationalId, ids));
  return Number(row!.n);
}

describe('importing trainees from a spreadsheet', () => {
  it('imports a clean comma-separated file and answers how many rows went in', async () => {
    const ids = [nationalId(), nationalId(), nationalId()];
    const csv = [
      HEADER,
      line({ nationalId: ids[0], fullName: 'Trần Thị Bích' }),
      line({ nationalId: ids[1], phone: '', jlptLevel: '' }),
      line({ nationalId: ids[2], consentToShare: '0' }),
    ].join('\r\n');
    const res = await upload(csv);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      inserted: 3,
      items: [1, 2, 3].map((row) => ({
        row,
        code: expect.stringMatching(/^KH-\d{4}-\d{6,}$/),
        id: expect.any(String),
      })),
    });
    const rows = await t.database.db.select().from(candidates).where(inArray(candidates.nationalId, ids));
    expect(rows).toHaveLength(3);
    // The answer names each row's new record.
    const answered = res.json().items as { row: number; code: string; id: string }[];
    expect(rows.find((r) => r.nationalId === ids[0])).toMatchObject({
      id: answered[0]!.id,
      code: answered[0]!.code,
    });
    const byId = new Map(rows.map((r) => [r.nationalId, r]));
    expect(byId.get(ids[0]!)).toMatchObject({
      fullName: 'Trần Thị Bích',
      nameSearch: 'tran thi bich',
      status: 'registered',
      trainingCenterId: center.id,
      phone: '+84912345678',
      homeProvince2025: '80',
    });
    expect(byId.get(ids[1]!)).toMatchObject({ phone: null, jlptLevel: null });
    expect(byId.get(ids[2]!)!.consentToShare).toBe(false);
    const list = await t.request({ method: 'GET', url: '/candidates?q=tran%20thi%20bich', as });
    expect(list.json().items).toHaveLength(1);
  });

  it('a file with one bad row inserts nothing and names the row and the field', async () => {
    const ids = [nationalId(), nationalId(), nationalId()];
    const csv = [
      HEADER,
      line({ nationalId: ids[0] }),
      line({ nationalId: ids[1], dateOfBirth: '2001-02-30' }),
      line({ nationalId: ids[2] }),
    ].join('\n');
    const res = await upload(csv);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ row: 2, path: 'dateOfBirth', message: expect.any(String) }]);
    expect(res.json().detail).toMatch(/Nothing was imported/);
    expect(await countIn(ids)).toBe(0);
  });

  it('a file wrong throughout lists the first 1,000 problems and counts them all', async () => {
    const rows = Array.from({ length: 1500 }, () => line({ nationalId: nationalId(), gender: 'x' }));
    const res = await upload([HEADER, ...rows].join('\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveLength(1000);
    expect(res.json().errors[0]).toMatchObject({ row: 1, path: 'gender' });
    expect(res.json().detail).toMatch(/1500 rows .* The first 1000 of 1500 problems are listed/);
  });

  it('reports every bad row: rules, duplicates inside the file and people already registered', async () => {
    const taken = nationalId();
    await t.seed.candidate({ trainingCenterId: (await t.seed.center()).id, nationalId: taken });
    const twice = nationalId();
    const csv = [
      HEADER,
      line({ nationalId: twice }),
      line({ nationalId: 'ABC', gender: 'x' }),
      line({ nationalId: twice }),
      line({ nationalId: taken }),
      line({ consentToShare: 'maybe', homeProvinceCode: '72' }),
      line({ dateOfBirth: '2015-01-01', phone: '123' }),
      // Wrong in another way too: the repeated ID is still reported.
      line({ nationalId: twice, consentToShare: 'maybe' }),
    ].join('\n');
    const res = await upload(csv);
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { row: number; path: string; message: string }[];
    expect(errors.map((e) => [e.row, e.path])).toEqual([
      [2, 'gender'],
      [2, 'nationalId'],
      [3, 'nationalId'],
      [4, 'nationalId'],
      [5, 'consentToShare'],
      [5, 'homeProvinceCode'],
      [6, 'dateOfBirth'],
      [6, 'phone'],
      [7, 'consentToShare'],
      [7, 'nationalId'],
    ]);
    expect(errors.find((e) => e.row === 3)!.message).toBe('duplicates row 1 of this file');
    expect(errors.find((e) => e.row === 7 && e.path === 'nationalId')!.message).toBe(
      'duplicates row 1 of this file',
    );
    expect(errors.find((e) => e.row === 4)!.message).toBe('is already registered');
    expect(errors.find((e) => e.row === 5 && e.path === 'consentToShare')!.message).toMatch(/có\/không/);
    expect(await countIn([twice])).toBe(0);
  });

  it('reads a semicolon-separated file with a BOM, Vietnamese yes/no and empty cells', async () => {
    const ids = [nationalId(), nationalId()];
    const csv = [
      'fullName;dateOfBirth;gender;nationalId;phone;homeProvinceCode;provinceBoundaries;occupationField;jlptLevel;consentToShare',
      `Lê Thị Hồng Nhung;1998-11-30;female;${ids[0]};+84 912 345 679;80;2008;nursing_care;n3;có`,
      `"Phạm, Văn Đông";1999-01-02;male;${ids[1]};;72;2008;agriculture;;Không`,
      ';;;;;;;;;',
    ].join('\r\n');
    const res = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ inserted: 2, items: [{ row: 1 }, { row: 2 }] });
    const rows = await t.database.db.select().from(candidates).where(inArray(candidates.nationalId, ids));
    const byId = new Map(rows.map((r) => [r.nationalId, r]));
    expect(byId.get(ids[0]!)).toMatchObject({
      fullName: 'Lê Thị Hồng Nhung',
      consentToShare: true,
      jlptLevel: 'N3',
      phone: '+84912345679',
      provinceBoundaries: '2008',
      homeProvince2025: '80',
    });
    expect(byId.get(ids[1]!)).toMatchObject({
      fullName: 'Phạm, Văn Đông',
      consentToShare: false,
      phone: null,
    });
  });

  it('row numbers count from the first line after the header, blank lines included', async () => {
    const csv = [HEADER, line(), '', line({ gender: 'x' })].join('\n');
    const res = await upload(csv);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ row: 3, path: 'gender', message: expect.any(String) }]);
  });

  it('an unknown or missing column is reported against the header (row 0)', async () => {
    const res = await upload(
      `fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,ghiChu\n${'x,'.repeat(6)}x`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { row: 0, path: 'ghiChu', message: expect.stringMatching(/not a known column/) },
      { row: 0, path: 'consentToShare', message: 'column is missing from the header' },
    ]);
  });

  it('a row with more cells than the header is named', async () => {
    const res = await upload([HEADER, `${line()},extra`].join('\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { row: 1, path: 'row', message: expect.stringMatching(/more cells/) },
    ]);
  });

  it('broken quoting is a 400, not a 500', async () => {
    const res = await upload([HEADER, `"Nguyễn Văn A,2001-01-01,male`].join('\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body');
  });

  it('a file that is not UTF-8 is refused with a hint', async () => {
    const latin1 = Buffer.from([...Buffer.from(`${HEADER}\n`), 0x4e, 0x67, 0x75, 0x79, 0xea, 0x6e]);
    const res = await upload(latin1);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toMatch(/UTF-8/);
  });

  it('an empty file or a header alone is a 400', async () => {
    expect((await upload('')).statusCode).toBe(400);
    const headerOnly = await upload(`${HEADER}\n`);
    expect(headerOnly.statusCode).toBe(400);
    expect(headerOnly.json().errors).toEqual([{ path: 'body', message: 'has a header but no data rows' }]);
  });

  it('answers 415 to anything but text/csv', async () => {
    const json = await t.request({
      method: 'POST',
      url: '/candidates/import',
      as,
      payload: { fullName: 'x' },
    });
    expect(json.statusCode).toBe(415);
    const latin = await upload(
      `${HEADER}\n${line()}`,
      as,
      '/candidates/import',
      'text/csv; charset=windows-1258',
    );
    expect(latin.statusCode).toBe(415);
    const plain = await upload(`${HEADER}\n${line()}`, as, '/candidates/import', 'text/plain');
    expect(plain.statusCode).toBe(415);
  });

  it('a body over the size limit is a 413', async () => {
    const small = await createTestApp({ IMPORT_LIMIT_BYTES: '2048' });
    try {
      const c = await small.seed.center();
      const big = [HEADER, ...Array.from({ length: 40 }, () => line())].join('\n');
      const res = await small.request({
        method: 'POST',
        url: '/candidates/import',
        as: actors.center(c.id),
        headers: { 'content-type': 'text/csv' },
        payload: big,
      });
      expect(res.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('province officers and partners may not import', async () => {
    for (const who of [actors.province('80'), actors.partner('00000000-0000-4000-8000-0000000000aa')]) {
      expect((await upload(`${HEADER}\n${line()}`, who)).statusCode).toBe(403);
    }
  });

  it('a center cannot import into another center; an admin names the center per row or for the file', async () => {
    const other = await t.seed.center();
    const header = `${HEADER},trainingCenterId`;
    const intoOther = await upload(`${header}\n${line()},${other.id}`);
    expect(intoOther.statusCode).toBe(400);
    expect(intoOther.json().errors).toEqual([
      { row: 1, path: 'trainingCenterId', message: expect.any(String) },
    ]);

    const admin = actors.admin();
    const noCenter = await upload(`${HEADER}\n${line()}`, admin);
    expect(noCenter.statusCode).toBe(400);
    expect(noCenter.json().errors[0]).toMatchObject({ row: 1, path: 'trainingCenterId' });

    const unknown = await upload(`${header}\n${line()},11111111-1111-4111-8111-111111111111`, admin);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ row: 1, path: 'trainingCenterId', message: /existing/ });

    const ids = [nationalId(), nationalId()];
    const ok = await upload(
      `${header}\n${line({ nationalId: ids[0] })},${other.id}\n${line({ nationalId: ids[1] })},`,
      admin,
      `/candidates/import?trainingCenterId=${center.id}`,
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const rows = await t.database.db.select().from(candidates).where(inArray(candidates.nationalId, ids));
    expect(new Map(rows.map((r) => [r.nationalId, r.trainingCenterId]))).toEqual(
      new Map([
        [ids[0], other.id],
        [ids[1], center.id],
      ]),
    );
  });

  it('the Trung tâm column also takes the center’s code or name (case and accents ignored), unambiguous', async () => {
    const admin = actors.admin();
    const named = await t.seed.center({ name: 'Trung tâm GDNN Đức Hòa', serialPrefix: 'DHOA' });
    const twin = await t.seed.center({ name: 'Trung tâm Bến Lức' });
    await t.seed.center({ name: 'trung tam ben luc' });
    const header = `${HEADER},Trung tâm`;
    const ids = [nationalId(), nationalId(), nationalId()];
    const ok = await upload(
      [
        header,
        `${line({ nationalId: ids[0] })},dhoa`,
        `${line({ nationalId: ids[1] })}, TRUNG TAM GDNN duc hoa `,
        `${line({ nationalId: ids[2] })},${twin.id}`,
      ].join('\n'),
      admin,
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const rows = await t.database.db.select().from(candidates).where(inArray(candidates.nationalId, ids));
    expect(new Map(rows.map((r) => [r.nationalId, r.trainingCenterId]))).toEqual(
      new Map([
        [ids[0], named.id],
        [ids[1], named.id],
        [ids[2], twin.id],
      ]),
    );

    // Two centers answer to one name (or one code): the row names neither; an unknown name is refused too.
    const others = [nationalId(), nationalId(), nationalId(), nationalId()];
    const refused = await upload(
      [
        header,
        `${line({ nationalId: others[0] })},Trung tâm Bến Lức`,
        `${line({ nationalId: others[1] })},TN`,
        `${line({ nationalId: others[2] })},Trung tâm Không Có`,
        `${line({ nationalId: others[3] })},Trung tâm GDNN Đức Hòa Xa`,
      ].join('\n'),
      admin,
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      {
        row: 1,
        path: 'trainingCenterId',
        message: `names 2 training centers; give the center's id or code (value "Trung tâm Bến Lức", spreadsheet row 2)`,
      },
      {
        row: 2,
        path: 'trainingCenterId',
        message: expect.stringMatching(/^names \d+ training centers; .*\(value "TN", spreadsheet row 3\)$/),
      },
      {
        row: 3,
        path: 'trainingCenterId',
        message:
          'must be an existing training center (its id, code or name) (value "Trung tâm Không Có", spreadsheet row 4)',
      },
      {
        row: 4,
        path: 'trainingCenterId',
        message:
          'must be an existing training center (its id, code or name) (value "Trung tâm GDNN Đức Hòa Xa", spreadsheet row 5)',
      },
    ]);
    expect(await countIn(others)).toBe(0);

    // A center names its own center by name or code; another one's name is refused, echoing the value.
    const who = actors.center(named.id);
    const own = [nationalId(), nationalId()];
    const mine = await upload(
      `${header}\n${line({ nationalId: own[0] })},Trung Tâm GDNN Đức Hoà\n${line({ nationalId: own[1] })},DHOA`,
      who,
    );
    expect(mine.statusCode, mine.body).toBe(201);
    expect(await countIn(own)).toBe(2);
    const foreign = nationalId();
    await t.seed.center({ name: 'Trung tâm Cần Giuộc' });
    const theirs = await upload(`${header}\n${line({ nationalId: foreign })},trung tâm cần giuộc`, who);
    expect(theirs.statusCode).toBe(400);
    expect(theirs.json().errors).toEqual([
      {
        row: 1,
        path: 'trainingCenterId',
        message: expect.stringMatching(
          /^must be your own training center .*\(value "trung tâm cần giuộc", spreadsheet row 2\)$/,
        ),
      },
    ]);
    const twinOnly = await upload(
      `${header}\n${line({ nationalId: foreign })},${twin.name.toUpperCase()}`,
      actors.center(twin.id),
    );
    expect(twinOnly.statusCode).toBe(400);
    expect(await countIn([foreign])).toBe(0);
  });

  it('imports 10,000 rows in one request, with a history row each and one audit entry for the import', async () => {
    const bulkCenter = await t.seed.center();
    const who = actors.center(bulkCenter.id);
    const fields = ['nursing_care', 'construction', 'agriculture', 'food_manufacturing'];
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        line({
          fullName: `Học Viên Số ${i}`,
          nationalId: `9${String(i).padStart(11, '0')}`,
          occupationField: fields[i % fields.length]!,
          gender: i % 2 ? 'female' : 'male',
        }),
      );
    }
    const auditBefore = await t.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(eq(auditLog.action, 'import'));
    const res = await upload(lines.join('\n'), who);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    expect(res.json().inserted).toBe(10_000);
    expect(res.json().items).toHaveLength(10_000);
    expect(new Set(res.json().items.map((i: { code: string }) => i.code)).size).toBe(10_000);
    expect(res.json().items[9_999].row).toBe(10_000);
    // The answer is streamed in pieces (importAnswer), not serialised: it must still be what importOut says.
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(importOut.safeParse(res.json()).success).toBe(true);
    expect(res.json().items.map((i: { row: number }) => i.row)).toEqual(lines.slice(1).map((_, i) => i + 1));
    const [n] = await t.database.db
      .select({ n: count() })
      .from(candidates)
      .where(eq(candidates.trainingCenterId, bulkCenter.id));
    expect(Number(n!.n)).toBe(10_000);
    // No status-history row per candidate: the import's entry stands for each one's first status
    // (the history read below opens with it).
    const [h] = await t.database.db
      .select({ n: count() })
      .from(candidateStatusHistory)
      .innerJoin(candidates, eq(candidates.id, candidateStatusHistory.candidateId))
      .where(eq(candidates.trainingCenterId, bulkCenter.id));
    expect(Number(h!.n)).toBe(0);
    const auditAfter = await t.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(eq(auditLog.action, 'import'));
    expect(Number(auditAfter[0]!.n) - Number(auditBefore[0]!.n)).toBe(1);
    const [importEntry] = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'import'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    const importId = (importEntry!.after as { importId: string }).importId;
    const answered = res.json().items as { code: string; id: string }[];
    expect(importEntry).toMatchObject({
      actorId: who.id,
      entity: 'candidate',
      entityId: importId,
      after: {
        importId,
        format: 'csv',
        inserted: 10_000,
        firstCode: answered[0]!.code,
        lastCode: answered[9_999]!.code,
        trainingCenterIds: [bulkCenter.id],
      },
    });
    // One entry for the file, not one per candidate: each candidate carries the import's id, and its
    // audit trail lists the import's entry (as a POST /candidates lists its `create` entry).
    const [perCandidate] = await t.database.db
      .select({ n: count() })
      .from(auditLog)
      .innerJoin(candidates, sql`${candidates.id}::text = ${auditLog.entityId}`)
      .where(eq(candidates.trainingCenterId, bulkCenter.id));
    expect(Number(perCandidate!.n)).toBe(0);
    const [linked] = await t.database.db
      .select({ n: count() })
      .from(candidates)
      .where(and(eq(candidates.trainingCenterId, bulkCenter.id), eq(candidates.importId, importId)));
    expect(Number(linked!.n)).toBe(10_000);
    const trail = await t.request({
      method: 'GET',
      url: `/audit?entity=candidate&entityId=${answered[4_321]!.id}`,
      as: actors.admin(),
    });
    expect(trail.statusCode).toBe(200);
    expect(trail.json().items).toEqual([expect.objectContaining({ action: 'import', entityId: importId })]);
    const [codes] = await t.database.db
      .select({ distinct: sql<number>`count(distinct ${candidates.code})::int` })
      .from(candidates)
      .where(eq(candidates.trainingCenterId, bulkCenter.id));
    expect(codes!.distinct).toBe(10_000);
    // Each candidate's history opens with the import: who, when, from which file format; a later
    // change follows it.
    const someone = answered[7_777]!;
    const ready = await t.request({
      method: 'POST',
      url: `/candidates/${someone.id}/transitions`,
      as: who,
      payload: { to: 'withdrawn', reason: 'moved away' },
    });
    expect(ready.statusCode, ready.body).toBe(200);
    const history = await t.request({ method: 'GET', url: `/candidates/${someone.id}/history`, as: who });
    expect(history.json().items).toEqual([
      {
        from: null,
        to: 'registered',
        at: expect.any(String),
        actorId: who.id,
        reason: `imported from CSV (import ${importId})`,
      },
      expect.objectContaining({ from: 'registered', to: 'withdrawn', reason: 'moved away' }),
    ]);
  }, 180_000);
});

describe('delimiter detection', () => {
  it('picks the separator the header line uses', () => {
    expect(detectDelimiter('fullName,dateOfBirth,gender')).toBe(',');
    expect(detectDelimiter('fullName;dateOfBirth;gender')).toBe(';');
    expect(detectDelimiter('"full,Name";dateOfBirth;gender')).toBe(';');
    expect(detectDelimiter('fullName\tdateOfBirth\tgender')).toBe('\t');
  });
});
