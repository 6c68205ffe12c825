/**
 * CSV import of 100,000 trainees through POST /candidates/import, against PostgreSQL
 * `COPY … FROM STDIN` of the same rows into the same table, in the same run.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { type BenchResult, benchConfig } from './lib.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Vũ', 'Đặng', 'Bùi', 'Đỗ'];
const GIVEN = [
  'Văn Được',
  'Thị Lan',
  'Minh Tuấn',
  'Ngọc Ánh',
  'Hữu Phúc',
  'Thị Hương',
  'Quốc Bảo',
  'Thu Trang',
];
const FIELDS = [
  'construction',
  'nursing_care',
  'food_manufacturing',
  'industrial_manufacturing',
  'agriculture',
];

function rows(count: number, offset: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    return {
      fullName: `${FAMILY[i % FAMILY.length]} ${GIVEN[i % GIVEN.length]}`,
      dateOfBirth: `${1990 + (i % 15)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      gender: i % 3 === 0 ? 'female' : 'male',
      nationalId: String(100000000000 + i),
      phone: `09${String(i % 100000000).padStart(8, '0')}`,
      homeProvinceCode: '80',
      provinceBoundaries: i % 2 ? '2008' : '2025',
      occupationField: FIELDS[i % FIELDS.length]!,
      jlptLevel: i % 4 === 0 ? '' : 'N4',
      consentToShare: i % 10 ? 'true' : 'false',
    };
  });
}

const strip = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

export async function benchImport(url: string, count = 100_000): Promise<BenchResult[]> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await migrateDatabase(database);
  await database.close();
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const [center] = await sql<{ id: string }[]>`
    insert into training_centers (name, province_code, serial_prefix) values ('Import bench', '80', 'IB') returning id`;

  // Baseline: COPY of the same rows, with the columns the service derives filled in.
  const copyRows = rows(count, 0);
  const copyCsv = copyRows
    .map((r) =>
      [
        r.fullName,
        strip(r.fullName),
        r.dateOfBirth,
        r.gender,
        r.nationalId,
        r.phone,
        r.homeProvinceCode,
        r.provinceBoundaries,
        '80',
        r.occupationField,
        r.jlptLevel,
        r.consentToShare,
        center!.id,
      ].join(','),
    )
    .join('\n');
  const copyStart = performance.now();
  await sql.begin(async (tx) => {
    const writable =
      await tx`copy candidates (full_name, name_search, date_of_birth, gender, national_id, phone,
      home_province_code, province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share,
      training_center_id) from stdin with (format csv, null '')`.writable();
    await pipeline(Readable.from([`${copyCsv}\n`]), writable);
  });
  const copyMs = performance.now() - copyStart;
  await sql`truncate candidates cascade`;

  const config = benchConfig(url);
  const app = await buildApp(config, { logger: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = app.signToken({
    id: '00000000-0000-4000-8000-000000000002',
    role: 'center',
    trainingCenterId: center!.id,
    provinceCode: null,
    partnerId: null,
  });
  const apiRows = rows(count, 0);
  const header = Object.keys(apiRows[0]!).join(',');
  const csv = `${header}\n${apiRows.map((r) => Object.values(r).join(',')).join('\n')}\n`;
  const apiStart = performance.now();
  const res = await fetch(`${base}/candidates/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const apiMs = performance.now() - apiStart;
  const body = await res.text();
  await app.close();
  const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from candidates`;
  const n = counted?.n ?? 0;
  await sql.end();
  if (res.status !== 201 || n !== count)
    throw new Error(`import answered ${res.status} with ${n} rows: ${body.slice(0, 500)}`);
  const ratio = copyMs / apiMs;
  return [
    {
      name: `CSV import of ${count.toLocaleString('en')} trainees via the API vs PostgreSQL COPY (speed)`,
      value: apiMs,
      unit: 'ms',
      baseline: copyMs,
      ratio,
      target: 'ratio ≥ 0.25',
      met: ratio >= 0.25,
    },
  ];
}
