/**
 * National-volume data for reports and benchmarks: `npm run seed:volume -- --candidates 1000000`.
 *
 * Candidates registered from 2015 to today, weighted like the real sending provinces (Nghệ An, Thanh
 * Hóa, Hà Tĩnh, Bắc Giang, Hải Dương, Nam Định…), 2008-coded before 1 July 2025 and mostly 2025-coded
 * after; ~60% depart (2016–2026: ~70% to Japan, then Taiwan, Korea, Germany and others), most of
 * those come home when their contract ends and some find a job at a Japanese-invested firm at home.
 * Each person is generated from their index alone (seeded), so the three COPY passes (candidates,
 * placements, reintegrations) agree without holding a million records in memory.
 *
 * Options: --candidates N (default 1,000,000) · --database-url URL (default DATABASE_URL; absent:
 * the embedded database in DATA_DIR, at most 50,000 candidates) · --reset (delete every candidate,
 * placement and organisation first) · --seed N (default 2026).
 */
import { resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { type Database, openDatabase } from '../src/db/client.ts';
import { queryRows } from '../src/db/query.ts';
import { migrateDatabase } from '../src/migrate.ts';
import { searchKey } from '../src/modules/candidates/candidates.schemas.ts';
import {
  homeEmployers,
  partners,
  trainingCenters,
} from '../src/modules/organisations/organisations.table.ts';
import { referenceRows } from '../src/modules/reference/reference.seed.ts';

export const PGLITE_LIMIT = 50_000;
const TODAY = new Date().toISOString().slice(0, 10);

export interface SeedVolumeOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  candidates: number;
  reset?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface SeedVolumeResult {
  candidates: number;
  placements: number;
  departures: number;
  reintegrations: number;
  seconds: number;
}

// ── deterministic randomness ────────────────────────────────────────────────────────────────────

function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

function weighted<T>(entries: readonly (readonly [T, number])[]) {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of entries) {
    acc += w / total;
    cumulative.push(acc);
  }
  return (rng: Rng): T => {
    const u = rng();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo]![0];
  };
}

const oneOf = <T>(list: readonly T[], rng: Rng): T => list[Math.floor(rng() * list.length)]!;

/** A UUID that looks random but is a function of (kind, index): the passes must agree on ids. */
function uuidFor(kind: number, i: number): string {
  const r = mulberry32(kind * 0x9e3779b1 + i * 0x85ebca6b);
  const hex = (n: number, len: number) => Math.floor(n).toString(16).padStart(len, '0').slice(-len);
  const a = hex(r() * 2 ** 32, 8);
  const b = hex(r() * 2 ** 16, 4);
  const c = `4${hex(r() * 2 ** 12, 3)}`;
  const d = hex(0x8000 + r() * 2 ** 14, 4);
  const e = hex(r() * 2 ** 24, 6) + hex(i, 6);
  return `${a}-${b}-${c}-${d}-${e}`;
}

// ── calendar: days since 1970-01-01 ───────────────────────────────────────────────────────────

const DAY = 86_400_000;
const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY);
const isoCache = new Map<number, string>();
function iso(day: number): string {
  let s = isoCache.get(day);
  if (!s) {
    s = new Date(day * DAY).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

// ── the shape of Vietnamese labour migration ──────────────────────────────────────────────────

/** 2008 province codes of the big sending provinces, with relative weights; the rest weigh 0.6. */
const SENDING: Record<string, number> = {
  '40': 10, // Nghệ An
  '38': 9, // Thanh Hóa
  '42': 7, // Hà Tĩnh
  '24': 6, // Bắc Giang
  '30': 5, // Hải Dương
  '36': 5, // Nam Định
  '34': 5, // Thái Bình
  '01': 5, // Hà Nội
  '25': 4, // Phú Thọ
  '33': 4, // Hưng Yên
  '37': 3, // Ninh Bình
  '35': 3, // Hà Nam
  '44': 3, // Quảng Bình
  '26': 3, // Vĩnh Phúc
  '27': 3, // Bắc Ninh
  '31': 3, // Hải Phòng
  '19': 2, // Thái Nguyên
  '45': 2, // Quảng Trị
  '46': 2, // Huế
  '80': 2, // Long An
  '17': 1.5, // Hòa Bình
  '15': 1.5, // Yên Bái
};

const DESTINATIONS = weighted([
  ['JP', 70],
  ['TW', 14],
  ['KR', 8],
  ['DE', 3],
  ['SG', 1],
  ['RO', 1],
  ['HU', 1],
  ['SA', 1],
  ['AU', 0.5],
  ['PL', 0.5],
] as const);

const JP_PROGRAMS = weighted([
  ['titp_1', 58],
  ['titp_2', 6],
  ['titp_3', 2],
  ['ssw_1', 24],
  ['ssw_2', 3],
  ['engineer', 7],
] as const);

const FIELDS = weighted([
  ['industrial_manufacturing', 22],
  ['construction', 18],
  ['food_manufacturing', 16],
  ['nursing_care', 9],
  ['agriculture', 9],
  ['food_service', 5],
  ['building_cleaning', 3],
  ['fishery', 3],
  ['automobile_repair', 2],
  ['accommodation', 2],
  ['shipbuilding', 2],
  ['automobile_transport', 1],
  ['wood_industry', 0.5],
  ['forestry', 0.3],
  ['aviation', 0.2],
  ['other', 9],
] as const);

const PREFECTURES = weighted([
  ['23', 14], // Aichi
  ['27', 8], // Osaka
  ['11', 7], // Saitama
  ['12', 6], // Chiba
  ['13', 6], // Tokyo
  ['14', 6], // Kanagawa
  ['08', 6], // Ibaraki
  ['21', 5], // Gifu
  ['22', 5], // Shizuoka
  ['34', 5], // Hiroshima
  ['28', 4], // Hyogo
  ['40', 4], // Fukuoka
  ['10', 4], // Gunma
  ['33', 3], // Okayama
  ['24', 3], // Mie
  ['09', 3], // Tochigi
  ['43', 2], // Kumamoto
  ...[
    '01',
    '04',
    '07',
    '15',
    '16',
    '17',
    '20',
    '25',
    '26',
    '29',
    '35',
    '37',
    '38',
    '42',
    '44',
    '46',
    '47',
  ].map((c) => [c, 1] as const),
]);

const JP_EMPLOYERS = [
  '株式会社トヨタ紡織協力会',
  '株式会社岡山精工',
  '有限会社中部建設',
  '株式会社大阪食品工業',
  '医療法人さくら会',
  '株式会社北関東農園',
  '株式会社瀬戸内造船',
  '株式会社ひかり介護サービス',
];
const OTHER_EMPLOYERS: Record<string, string[]> = {
  TW: ['Formosa Electronics Co.', 'Taichung Precision Ltd.'],
  KR: ['Hanil Manufacturing Co.', 'Busan Fisheries Co.'],
  DE: ['Pflegeheim Sonnenhof GmbH', 'Klinikum Nord GmbH'],
};

const FAMILY = weighted([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Huỳnh', 4],
  ['Phan', 4.5],
  ['Vũ', 3.9],
  ['Võ', 3],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
] as const);
const MIDDLE_MALE = ['Văn', 'Đức', 'Hữu', 'Minh', 'Quang', 'Xuân', 'Công', 'Đình', 'Thành', 'Tiến'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Hồng', 'Kim', 'Phương', 'Mai'];
const GIVEN_MALE = [
  'Anh',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hiếu',
  'Hoàng',
  'Hùng',
  'Huy',
  'Khánh',
  'Long',
  'Mạnh',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
  'Tài',
  'Thắng',
  'Toàn',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_FEMALE = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hằng',
  'Hạnh',
  'Hoa',
  'Hương',
  'Huyền',
  'Lan',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Nhung',
  'Oanh',
  'Phương',
  'Thảo',
  'Trang',
  'Vân',
  'Yến',
];
const POSITIONS = [
  'Tổ trưởng sản xuất',
  'Phiên dịch viên tiếng Nhật',
  'Kỹ thuật viên QC',
  'Công nhân kỹ thuật',
  'Quản lý chuyền',
];

const searchCache = new Map<string, string>();
function searchable(part: string): string {
  let s = searchCache.get(part);
  if (s === undefined) {
    s = searchKey(part);
    searchCache.set(part, s);
  }
  return s;
}

// ── one person, from their index ──────────────────────────────────────────────────────────────

interface World {
  n: number;
  seed: number;
  provinces2008: readonly string[];
  to2025: Map<string, string>;
  pickProvince: (rng: Rng) => string;
  centersByProvince: Map<string, string[]>;
  nationalCenters: string[];
  employersByProvince: Map<string, string[]>;
  allEmployers: string[];
}

const FIRST_REG = dayOf('2015-03-01');
const MERGER = dayOf('2025-07-01');
const FIRST_DEPARTURE = dayOf('2016-01-04');
const SSW_START = dayOf('2019-04-01');

interface Person {
  c: string[];
  p: string[] | null;
  r: string[] | null;
}

function person(w: World, i: number): Person {
  const rng = mulberry32(w.seed * 1_000_003 + i);
  const today = dayOf(TODAY);
  // Registrations grow over the years: inverse of a linear-density CDF, so index order ~ time order.
  const u = (i + rng()) / w.n;
  const growth = 1.4;
  const x = (-1 + Math.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth;
  const regDay = Math.min(today - 1, FIRST_REG + Math.floor(x * (today - FIRST_REG)));

  const province2008 = w.pickProvince(rng);
  const province2025 = w.to2025.get(province2008)!;
  const after = regDay >= MERGER;
  const boundaries = after && rng() < 0.9 ? '2025' : '2008';
  const homeCode = boundaries === '2025' ? province2025 : province2008;

  const male = rng() < 0.62;
  const family = FAMILY(rng);
  const middle = oneOf(male ? MIDDLE_MALE : MIDDLE_FEMALE, rng);
  const given = oneOf(male ? GIVEN_MALE : GIVEN_FEMALE, rng);
  const fullName = `${family} ${middle} ${given}`;
  const nameSearch = `${searchable(family)} ${searchable(middle)} ${searchable(given)}`;
  const ageDays = Math.floor((18 + rng() * 14) * 365.25);
  const dob = iso(regDay - ageDays);
  const field = FIELDS(rng);
  const centers = w.centersByProvince.get(province2025) ?? w.nationalCenters;
  const center = oneOf(centers, rng);
  const candidateId = uuidFor(1, i);
  const nationalId = `0${province2008}${String((i * 7919 + 104_729) % 1_000_000_000).padStart(9, '0')}`;
  const phone = `09${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;

  let depDay = regDay + 120 + Math.floor(rng() * 300);
  if (depDay < FIRST_DEPARTURE) depDay = FIRST_DEPARTURE + Math.floor(rng() * 90);
  const fate = rng();
  let status: string;
  let placement: string[] | null = null;
  let reintegration: string[] | null = null;
  let jlpt: string | null = null;
  let lastEvent = regDay;

  const destination = DESTINATIONS(rng);
  const japan = destination === 'JP';
  let program = japan ? JP_PROGRAMS(rng) : 'other';
  if (japan && program.startsWith('ssw') && depDay < SSW_START) program = 'titp_1';
  const prefecture = japan ? PREFECTURES(rng) : null;
  const employer = japan
    ? oneOf(JP_EMPLOYERS, rng)
    : oneOf(OTHER_EMPLOYERS[destination] ?? ['Overseas Employer Ltd.'], rng);
  const contractYears = japan
    ? program === 'titp_1'
      ? 3
      : program === 'engineer'
        ? 5
        : 1 + Math.floor(rng() * 5)
    : destination === 'KR'
      ? 5
      : 3;
  const placementId = uuidFor(2, i);
  const placementRow = (
    st: string,
    departed: number | null,
    returned: number | null,
    reason: string | null,
    cancel: string | null,
  ) => [
    placementId,
    candidateId,
    destination,
    prefecture ?? '\\N',
    employer,
    program,
    field,
    iso(depDay),
    iso(depDay + Math.floor(contractYears * 365.25)),
    st,
    departed === null ? '\\N' : iso(departed),
    returned === null ? '\\N' : iso(returned),
    reason ?? '\\N',
    cancel ?? '\\N',
    `${iso(Math.max(regDay, depDay - 60))} 09:00:00+07`,
  ];

  if (depDay <= today && fate < 0.64) {
    // Departed; home again when the contract ends (8% earlier).
    jlpt = japan ? (rng() < 0.6 ? 'N4' : rng() < 0.6 ? 'N5' : rng() < 0.8 ? 'N3' : 'N2') : null;
    const early = rng() < 0.08;
    const contractDays = Math.floor(contractYears * 365.25);
    const retDay = depDay + (early ? Math.floor(contractDays * (0.1 + rng() * 0.7)) : contractDays);
    if (retDay <= today) {
      const startDay = retDay + 30 + Math.floor(rng() * 170);
      const reintegrated = rng() < 0.38 && startDay <= today;
      status = reintegrated ? 'reintegrated' : 'returned';
      placement = placementRow('returned', depDay, retDay, early ? 'early_termination' : 'completed', null);
      lastEvent = retDay;
      if (reintegrated) {
        const employers = w.employersByProvince.get(province2025) ?? w.allEmployers;
        reintegration = [
          uuidFor(3, i),
          candidateId,
          placementId,
          oneOf(employers, rng),
          iso(startDay),
          oneOf(POSITIONS, rng),
        ];
        lastEvent = startDay;
      }
    } else {
      status = 'departed';
      placement = placementRow('departed', depDay, null, null, null);
      lastEvent = depDay;
    }
  } else if (depDay <= today && fate < 0.66) {
    // Selected, then the placement fell through.
    status = rng() < 0.5 ? 'ready' : 'withdrawn';
    placement = placementRow('cancelled', null, null, null, 'Employer withdrew the offer');
    lastEvent = depDay - 30;
  } else if (depDay <= today) {
    status = 'withdrawn';
    lastEvent = regDay + 60;
  } else {
    // Still in the pipeline: how far along depends on how close departure is.
    const left = depDay - today;
    if (left < 60 && rng() < 0.7) {
      status = 'selected';
      placement = placementRow('planned', null, null, null, null);
    } else status = left < 120 ? 'ready' : left < 330 ? 'training' : 'registered';
  }

  const regYear = iso(regDay).slice(0, 4);
  const c = [
    candidateId,
    `KH-${regYear}-${String(i + 1).padStart(6, '0')}`,
    fullName,
    nameSearch,
    dob,
    male ? 'male' : 'female',
    nationalId,
    phone,
    homeCode,
    boundaries,
    province2025,
    field,
    jlpt ?? '\\N',
    rng() < 0.85 ? 't' : 'f',
    center,
    status,
    `${iso(Math.min(lastEvent, today))} 09:00:00+07`,
    `${iso(regDay)} 08:00:00+07`,
    `${iso(Math.min(lastEvent, today))} 09:00:00+07`,
  ];
  return { c, p: placement, r: reintegration };
}

const CANDIDATE_COLUMNS =
  'id, code, full_name, name_search, date_of_birth, gender, national_id, phone, home_province_code, province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share, training_center_id, status, status_changed_at, created_at, updated_at';
const PLACEMENT_COLUMNS =
  'id, candidate_id, destination_country, prefecture_code, employer_name, program, field, contract_start, contract_end, status, departed_on, returned_on, return_reason, cancel_reason, created_at';
const REINTEGRATION_COLUMNS = 'id, candidate_id, placement_id, home_employer_id, started_on, position';

// ── organisations the people refer to ─────────────────────────────────────────────────────────

async function createOrganisations(database: Database) {
  const { db } = database;
  const centerProvinces = [
    '40',
    '38',
    '42',
    '24',
    '31',
    '37',
    '33',
    '01',
    '01',
    '01',
    '25',
    '44',
    '80',
    '79',
    '48',
    '46',
    '19',
    '22',
  ];
  const centers = await db
    .insert(trainingCenters)
    .values(
      centerProvinces.map((p, k) => ({
        name: `Trung tâm Đào tạo và Phái cử lao động số ${k + 1}`,
        provinceCode: p,
        licenseNo: `VOL-${String(k + 1).padStart(3, '0')}/LĐTBXH-GP`,
        serialPrefix: `V${String.fromCharCode(65 + (k % 26))}${String.fromCharCode(65 + Math.floor(k / 26))}`,
      })),
    )
    .returning({ id: trainingCenters.id, provinceCode: trainingCenters.provinceCode });
  const employerSpecs: [string, string, string, string][] = [
    ['Công ty TNHH Nidec Việt Nam', '79', 'Khu công nghệ cao', 'industrial_manufacturing'],
    ['Công ty TNHH Aeon Việt Nam', '01', 'Long Biên', 'food_service'],
    ['Công ty TNHH Canon Việt Nam', '01', 'KCN Thăng Long', 'industrial_manufacturing'],
    ['Công ty TNHH Long Hậu Seiki', '80', 'KCN Long Hậu', 'industrial_manufacturing'],
    ['Công ty TNHH Yazaki Hải Phòng', '31', 'KCN Nomura', 'industrial_manufacturing'],
    ['Công ty TNHH Nghi Sơn Construction', '38', 'KKT Nghi Sơn', 'construction'],
    ['Công ty TNHH Vissan Foods Japan', '40', 'KCN VSIP Nghệ An', 'food_manufacturing'],
    ['Công ty TNHH Fuji Care Hà Tĩnh', '42', 'TP Hà Tĩnh', 'nursing_care'],
    ['Công ty TNHH Fukoku Bắc Giang', '24', 'KCN Quang Châu', 'industrial_manufacturing'],
    ['Công ty TNHH Ninh Bình Mitsuba', '37', 'KCN Gián Khẩu', 'industrial_manufacturing'],
    ['Công ty TNHH Hưng Yên Kyocera', '33', 'KCN Phố Nối A', 'industrial_manufacturing'],
    ['Công ty TNHH Kubota Phú Thọ', '25', 'KCN Thụy Vân', 'agriculture'],
  ];
  const employers = await db
    .insert(homeEmployers)
    .values(
      employerSpecs.map(([name, provinceCode, industrialPark, sector]) => ({
        name,
        provinceCode,
        industrialPark,
        sector,
        investorCountry: 'JP',
      })),
    )
    .returning({ id: homeEmployers.id, provinceCode: homeEmployers.provinceCode });
  await db.insert(partners).values([
    { name: 'Okayama City', nameJa: '岡山市', kind: 'municipality', prefectureCode: '33' },
    { name: 'Aichi Prefecture', nameJa: '愛知県', kind: 'prefecture', prefectureCode: '23' },
    {
      name: 'Chubu Cooperative Association',
      nameJa: '中部協同組合',
      kind: 'supervising_org',
      prefectureCode: '23',
    },
    {
      name: 'Setouchi Support Organisation',
      nameJa: '瀬戸内登録支援機関',
      kind: 'support_org',
      prefectureCode: '33',
    },
    { name: 'Kanto Care Corporation', nameJa: '関東ケア株式会社', kind: 'employer', prefectureCode: '13' },
  ]);
  const group = (rows: { id: string; provinceCode: string }[]) => {
    const m = new Map<string, string[]>();
    for (const r of rows) m.set(r.provinceCode, [...(m.get(r.provinceCode) ?? []), r.id]);
    return m;
  };
  return {
    centersByProvince: group(centers),
    nationalCenters: centers.filter((c) => c.provinceCode === '01').map((c) => c.id),
    employersByProvince: group(employers),
    allEmployers: employers.map((e) => e.id),
  };
}

// ── loading ───────────────────────────────────────────────────────────────────────────────────

function* lines(w: World, pick: (p: Person) => string[] | null, chunk = 2000): Generator<string> {
  let buf: string[] = [];
  for (let i = 0; i < w.n; i++) {
    const row = pick(person(w, i));
    if (row) buf.push(row.join('\t'));
    if (buf.length >= chunk) {
      yield `${buf.join('\n')}\n`;
      buf = [];
    }
  }
  if (buf.length) yield `${buf.join('\n')}\n`;
}

async function copyInto(
  database: Database,
  conn: postgres.ReservedSql | undefined,
  table: string,
  columns: string,
  source: Generator<string>,
) {
  if (conn) {
    const writable = (await conn.unsafe(`copy ${table} (${columns}) from stdin`).writable()) as Writable;
    await pipeline(Readable.from(source), writable);
    return;
  }
  const text = [...source].join('');
  await database.pglite!.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob: new Blob([text]) });
}

export async function seedVolume(options: SeedVolumeOptions): Promise<SeedVolumeResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const n = options.candidates;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--candidates must be a positive integer (got ${n})`);
  if (!options.databaseUrl && n > PGLITE_LIMIT) {
    throw new Error(
      `seed:volume: the embedded database (no DATABASE_URL / --database-url) takes at most ${PGLITE_LIMIT.toLocaleString('en')} candidates; ` +
        `for ${n.toLocaleString('en')} give a PostgreSQL URL, e.g. --database-url postgres://postgres@127.0.0.1:5432/kakehashi`,
    );
  }
  const started = performance.now();
  const database = await openDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    poolSize: 2,
  });
  try {
    await migrateDatabase(database);
    const { db } = database;
    if (options.reset) {
      log('reset: deleting every candidate, placement and organisation');
      await db.execute(
        sql`truncate candidates, placements, reintegrations, training_centers, home_employers, partners cascade`,
      );
      await db.execute(sql`select reports_rebuild()`);
    } else {
      const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from candidates`);
      if (existing!.n > 0) {
        throw new Error(
          `seed:volume: the database already has ${existing!.n} candidates; run with --reset to replace them`,
        );
      }
    }
    const orgs = await createOrganisations(database);
    const { provinces } = referenceRows();
    const provinces2008 = provinces.filter((p) => p.boundaries === '2008');
    const world: World = {
      n,
      seed: options.seed ?? 2026,
      provinces2008: provinces2008.map((p) => p.code),
      to2025: new Map(provinces2008.map((p) => [p.code, p.code2025])),
      pickProvince: weighted(provinces2008.map((p) => [p.code, SENDING[p.code] ?? 0.6] as const)),
      ...orgs,
    };

    // Row triggers off while loading (and FK checks: the generator guarantees the references);
    // the report tables are rebuilt set-based afterwards, exactly as the triggers would have.
    const conn = database.sql ? await database.sql.reserve() : undefined;
    const exec = async (text: string) => (conn ? conn.unsafe(text) : database.pglite!.exec(text));
    try {
      await exec('set session_replication_role = replica');
      let t = performance.now();
      const step = (what: string) => {
        log(`${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        t = performance.now();
      };
      await copyInto(
        database,
        conn,
        'candidates',
        CANDIDATE_COLUMNS,
        lines(world, (p) => p.c),
      );
      step(`${n.toLocaleString('en')} candidates`);
      await copyInto(
        database,
        conn,
        'placements',
        PLACEMENT_COLUMNS,
        lines(world, (p) => p.p),
      );
      step('placements');
      await copyInto(
        database,
        conn,
        'reintegrations',
        REINTEGRATION_COLUMNS,
        lines(world, (p) => p.r),
      );
      step('reintegrations');
      await exec('set session_replication_role = origin');
      await exec('select reports_rebuild()');
      step('report tables rebuilt');
      await exec(`select setval('candidate_code_seq', ${n + 1})`);
      // Vacuum too: index-only scans on the report facts need the visibility map set.
      await exec('vacuum analyze');
      step('vacuum analyze');
    } finally {
      if (conn) {
        await conn.unsafe('set session_replication_role = origin');
        conn.release();
      }
    }
    const [counts] = await queryRows<{
      candidates: number;
      placements: number;
      departures: number;
      reintegrations: number;
    }>(
      db,
      sql`select (select count(*) from candidates)::int as candidates,
                 (select count(*) from placements)::int as placements,
                 (select count(*) from placements where departed_on is not null)::int as departures,
                 (select count(*) from reintegrations)::int as reintegrations`,
    );
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(
      `seeded ${counts!.candidates.toLocaleString('en')} candidates, ${counts!.placements.toLocaleString('en')} placements ` +
        `(${counts!.departures.toLocaleString('en')} departures), ${counts!.reintegrations.toLocaleString('en')} reintegrations in ${seconds} s`,
    );
    return { ...counts!, seconds };
  } finally {
    await database.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      candidates: { type: 'string', default: '1000000' },
      'database-url': { type: 'string' },
      reset: { type: 'boolean', default: false },
      seed: { type: 'string', default: '2026' },
    },
    strict: true,
  });
  const candidates = Number(values.candidates!.replaceAll('_', '').replaceAll(',', ''));
  await seedVolume({
    databaseUrl: values['database-url'] ?? process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR ?? './data',
    candidates,
    reset: values.reset,
    seed: Number(values.seed),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
