/**
 * `npm run seed:demo`: a small, realistic data set drawn from real cooperation reported in the
 * Vietnamese press (Long An – Okayama City joint declaration 2023; Vĩnh Phúc – JETRO MOU 2022 and its
 * twin prefectures Akita and Tochigi; Cần Thơ – Niigata, Hyogo, Okayama City, Nasushiobara), a few
 * hundred candidates in every status, and one demo user per role, printed at the end.
 *
 * Everything goes through the HTTP API (app.inject), so the demo obeys the same rules as users do.
 * Runs against DATABASE_URL, or the embedded database in DATA_DIR (./data) like `npm start`.
 */
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { DataDirLockedError } from '../src/db/lock.ts';
import type { Actor } from '../src/lib/actor.ts';
import { todayInVietnam } from '../src/lib/dates.ts';
import { seedProtectionDemo } from './seed-demo-protection.ts';

const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'kakehashi-demo-2026';

// A deterministic generator, so two runs on fresh databases give the same demo.
let state = 20231205;
const rand = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** Today in Viet Nam, and a date some days from another (`YYYY-MM-DD`). */
const today = todayInVietnam();
const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Võ',
  'Phan',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thành', 'Công'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ'];
const GIVEN_M = [
  'Được',
  'Hùng',
  'Dũng',
  'Phúc',
  'Tài',
  'Lộc',
  'Nam',
  'Khoa',
  'Tuấn',
  'Thắng',
  'Trọng',
  'Hiếu',
  'Đạt',
];
const GIVEN_F = [
  'Lan',
  'Hương',
  'Hạnh',
  'Nhung',
  'Trang',
  'Quỳnh',
  'Thảo',
  'Yến',
  'Ngân',
  'Diễm',
  'Hằng',
  'Phương',
];

export interface DemoSummary {
  alreadyThere: boolean;
  users: { email: string; role: string; scope: string }[];
  selected: number;
  pipeline: { status: string; candidates: number | null }[];
}

/** Loads the demo through the app's HTTP API; does nothing when the demo is already there. */
export async function seedDemo(app: FastifyInstance): Promise<DemoSummary> {
  const systemAdmin: Actor = {
    id: '00000000-0000-4000-8000-00000000d3e0',
    role: 'admin',
    trainingCenterId: null,
    provinceCode: null,
    partnerId: null,
  };
  const call = async (
    as: Actor,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    payload?: unknown,
    contentType?: string,
  ) => {
    const res = await app.inject({
      method,
      url,
      payload: payload as string | object | undefined,
      headers: {
        authorization: `Bearer ${app.signToken(as)}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
    return res.json();
  };

  const existing = await call(systemAdmin, 'GET', '/training-centers?limit=500');
  if (existing.items.some((c: { name: string }) => c.name.startsWith('Trung tâm Dịch vụ việc làm Long An'))) {
    return { alreadyThere: true, users: [], selected: 0, pipeline: [] };
  }

  // Organisations, from the press reports in ../shared/context.
  const centerSpecs = [
    {
      key: 'longan',
      name: 'Trung tâm Dịch vụ việc làm Long An',
      provinceCode: '80',
      licenseNo: '152/LĐTBXH-GP',
      directorName: 'Nguyễn Văn Hòa',
      serialPrefix: 'LA',
      home: [
        ['80', '2008'],
        ['80', '2025'],
        ['72', '2008'],
      ],
    },
    {
      key: 'vinhphuc',
      name: 'Công ty CP Phát triển Nhân lực Vĩnh Phúc',
      provinceCode: '25',
      licenseNo: '087/LĐTBXH-GP',
      directorName: 'Trần Thị Mai',
      serialPrefix: 'VP',
      home: [
        ['26', '2008'],
        ['25', '2025'],
        ['25', '2008'],
      ],
    },
    {
      key: 'cantho',
      name: 'Trường Cao đẳng Nghề Cần Thơ',
      provinceCode: '92',
      licenseNo: '203/LĐTBXH-GP',
      directorName: 'Lê Minh Quang',
      serialPrefix: 'CT',
      home: [
        ['92', '2025'],
        ['94', '2008'],
        ['93', '2008'],
      ],
    },
    {
      key: 'nghean',
      name: 'Trung tâm Giáo dục nghề nghiệp Nghệ An',
      provinceCode: '40',
      licenseNo: '061/LĐTBXH-GP',
      directorName: 'Hồ Đức Thắng',
      serialPrefix: 'NA',
      home: [
        ['40', '2025'],
        ['42', '2025'],
        ['38', '2025'],
      ],
    },
  ] as const;
  const centers: Record<string, { id: string; home: readonly (readonly [string, string])[] }> = {};
  for (const c of centerSpecs) {
    const { key, home, ...body } = c;
    centers[key] = { id: (await call(systemAdmin, 'POST', '/training-centers', body)).id, home };
  }

  const partnerSpecs = [
    {
      key: 'okayamaCity',
      name: 'Okayama City',
      nameJa: '岡山市',
      kind: 'municipality',
      prefectureCode: '33',
    },
    {
      key: 'okayamaKumiai',
      name: 'Okayama Sangyo Kyodo Kumiai',
      nameJa: '岡山産業協同組合',
      kind: 'supervising_org',
      prefectureCode: '33',
    },
    {
      key: 'tazmo',
      name: 'Tazmo Co., Ltd.',
      nameJa: '株式会社タズモ',
      kind: 'employer',
      prefectureCode: '33',
    },
    { key: 'jetro', name: 'JETRO', nameJa: '日本貿易振興機構', kind: 'support_org', prefectureCode: '13' },
    { key: 'akita', name: 'Akita Prefecture', nameJa: '秋田県', kind: 'prefecture', prefectureCode: '05' },
    {
      key: 'tochigi',
      name: 'Tochigi Prefecture',
      nameJa: '栃木県',
      kind: 'prefecture',
      prefectureCode: '09',
    },
    {
      key: 'niigata',
      name: 'Niigata Prefecture',
      nameJa: '新潟県',
      kind: 'prefecture',
      prefectureCode: '15',
    },
    { key: 'hyogo', name: 'Hyogo Prefecture', nameJa: '兵庫県', kind: 'prefecture', prefectureCode: '28' },
    {
      key: 'nasushiobara',
      name: 'Nasushiobara City',
      nameJa: '那須塩原市',
      kind: 'municipality',
      prefectureCode: '09',
    },
    {
      key: 'kofu',
      name: 'Kofu Business Association',
      nameJa: '甲府商工会議所',
      kind: 'support_org',
      prefectureCode: '19',
    },
  ] as const;
  const partners: Record<string, string> = {};
  for (const { key, ...body } of partnerSpecs)
    partners[key] = (await call(systemAdmin, 'POST', '/partners', body)).id;

  const agreementSpecs = [
    {
      provinceCode: '80',
      provinceBoundaries: '2008',
      partnerId: partners.okayamaCity,
      kind: 'joint_declaration',
      signedOn: '2023-12-05',
      fields: ['industrial_manufacturing', 'agriculture', 'nursing_care'],
      title: 'Tuyên bố chung về hợp tác đào tạo nghề và giới thiệu việc làm',
    },
    {
      provinceCode: '26',
      provinceBoundaries: '2008',
      partnerId: partners.jetro,
      kind: 'mou',
      signedOn: '2022-06-23',
      fields: ['industrial_manufacturing'],
      title: 'Bản ghi nhớ hợp tác xúc tiến đầu tư',
    },
    {
      provinceCode: '26',
      provinceBoundaries: '2008',
      partnerId: partners.akita,
      kind: 'friendship',
      signedOn: '2016-07-01',
      fields: ['agriculture'],
      title: 'Kết nghĩa Vĩnh Phúc – Akita',
    },
    {
      provinceCode: '26',
      provinceBoundaries: '2008',
      partnerId: partners.tochigi,
      kind: 'friendship',
      signedOn: '2018-04-01',
      fields: ['industrial_manufacturing'],
      title: 'Kết nghĩa Vĩnh Phúc – Tochigi',
    },
    {
      provinceCode: '92',
      provinceBoundaries: '2025',
      partnerId: partners.niigata,
      kind: 'mou',
      signedOn: '2024-08-05',
      fields: ['industrial_manufacturing', 'food_manufacturing'],
      title: 'Hợp tác địa phương Cần Thơ – Niigata',
    },
    {
      provinceCode: '92',
      provinceBoundaries: '2025',
      partnerId: partners.hyogo,
      kind: 'friendship',
      signedOn: '2019-10-01',
      fields: ['food_manufacturing'],
    },
    {
      provinceCode: '92',
      provinceBoundaries: '2025',
      partnerId: partners.nasushiobara,
      kind: 'friendship',
      signedOn: '2020-02-01',
      fields: ['agriculture'],
    },
  ];
  for (const a of agreementSpecs) await call(systemAdmin, 'POST', '/agreements', a);

  const employerSpecs = [
    {
      name: 'Tazmo Vietnam Co., Ltd.',
      provinceCode: '80',
      industrialPark: 'KCN Long Hậu',
      sector: 'industrial_manufacturing',
      investorCountry: 'JP',
    },
    {
      name: 'Nitto Denko Vietnam',
      provinceCode: '80',
      industrialPark: 'KCN Tân Đức',
      sector: 'industrial_manufacturing',
      investorCountry: 'JP',
    },
    {
      name: 'Toyota Motor Vietnam',
      provinceCode: '25',
      industrialPark: 'Phúc Yên',
      sector: 'automobile_repair',
      investorCountry: 'JP',
    },
    {
      name: 'Honda Vietnam',
      provinceCode: '25',
      industrialPark: 'Phúc Yên',
      sector: 'industrial_manufacturing',
      investorCountry: 'JP',
    },
    {
      name: 'Acecook Việt Nam – Cần Thơ',
      provinceCode: '92',
      industrialPark: 'KCN Trà Nóc',
      sector: 'food_manufacturing',
      investorCountry: 'JP',
    },
    {
      name: 'Aeon Mall Việt Nam',
      provinceCode: '40',
      industrialPark: null,
      sector: 'food_service',
      investorCountry: 'JP',
    },
  ];
  const employers: { id: string; provinceCode: string }[] = [];
  for (const e of employerSpecs) {
    const { industrialPark, ...rest } = e;
    const body = industrialPark ? { ...rest, industrialPark } : rest;
    employers.push({
      id: (await call(systemAdmin, 'POST', '/home-employers', body)).id,
      provinceCode: e.provinceCode,
    });
  }

  // Demo users, one per role (and one per center).
  const users: { email: string; role: string; scope: string }[] = [];
  const addUser = async (email: string, role: string, scope: Record<string, string>, label: string) => {
    await call(systemAdmin, 'POST', '/users', { email, password: DEMO_PASSWORD, role, ...scope });
    users.push({ email, role, scope: label });
  };
  await addUser('admin@demo.kakehashi.vn', 'admin', {}, 'everything');
  await addUser(
    'longan@demo.kakehashi.vn',
    'center',
    { trainingCenterId: centers.longan!.id },
    'Trung tâm Dịch vụ việc làm Long An',
  );
  await addUser(
    'vinhphuc@demo.kakehashi.vn',
    'center',
    { trainingCenterId: centers.vinhphuc!.id },
    'Công ty CP Phát triển Nhân lực Vĩnh Phúc',
  );
  await addUser(
    'cantho@demo.kakehashi.vn',
    'center',
    { trainingCenterId: centers.cantho!.id },
    'Trường Cao đẳng Nghề Cần Thơ',
  );
  await addUser(
    'tayninh@demo.kakehashi.vn',
    'province',
    { provinceCode: '80' },
    'Sở Nội vụ Tây Ninh (includes former Long An)',
  );
  await addUser(
    'phutho@demo.kakehashi.vn',
    'province',
    { provinceCode: '25' },
    'Phú Thọ (includes former Vĩnh Phúc)',
  );
  await addUser(
    'okayama@demo.kakehashi.jp',
    'partner',
    { partnerId: partners.okayamaCity! },
    'Okayama City 岡山市',
  );
  await addUser(
    'akita@demo.kakehashi.jp',
    'partner',
    { partnerId: partners.akita! },
    'Akita Prefecture 秋田県',
  );

  // Candidates, imported per center as a clerk would, from a spreadsheet.
  const FIELDS = [
    'construction',
    'industrial_manufacturing',
    'food_manufacturing',
    'nursing_care',
    'agriculture',
    'food_service',
  ];
  let idSeq = 0;
  const thisYear = new Date().getUTCFullYear();
  for (const [key, center] of Object.entries(centers)) {
    const rows = [
      'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,provinceBoundaries,occupationField,jlptLevel,consentToShare',
    ];
    for (let i = 0; i < 80; i++) {
      const female = rand() < 0.4;
      const name = `${pick(FAMILY)} ${pick(female ? MIDDLE_F : MIDDLE_M)} ${pick(female ? GIVEN_F : GIVEN_M)}`;
      const [code, boundaries] = pick(center.home);
      const dob = `${thisYear - 19 - Math.floor(rand() * 14)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
      const nationalId = `0${code}${String(200000000 + ++idSeq * 7919).slice(-9)}`.slice(0, 12);
      const phone = `09${String(10000000 + Math.floor(rand() * 89999999))}`;
      const jlpt = rand() < 0.5 ? '' : pick(['N5', 'N4', 'N4', 'N3']);
      rows.push(
        [
          name,
          dob,
          female ? 'female' : 'male',
          nationalId,
          phone,
          code,
          boundaries,
          pick(FIELDS),
          jlpt,
          rand() < 0.9 ? 'true' : 'false',
        ].join(','),
      );
    }
    await call(
      { ...systemAdmin, role: 'center', trainingCenterId: center.id },
      'POST',
      '/candidates/import',
      `${rows.join('\n')}\n`,
      'text/csv',
    );
    console.log(`  ${key}: imported 80 candidates`);
  }

  // Training: a language, a vocational and an orientation course per center; results; ready.
  let selected = 0;
  for (const [key, center] of Object.entries(centers)) {
    const asCenter: Actor = { ...systemAdmin, role: 'center', trainingCenterId: center.id };
    const list = await call(asCenter, 'GET', '/candidates?limit=500');
    const people: { id: string; poolCode: string; occupationField: string; consentToShare: boolean }[] =
      list.items;
    const course = async (name: string, kind: string, hours: number, startsOn: string, endsOn: string) =>
      (await call(asCenter, 'POST', '/courses', { name, kind, hours, startsOn, endsOn, capacity: 120 }))
        .id as string;
    const language = await course('Tiếng Nhật sơ cấp N4 (K15)', 'language', 640, '2022-09-05', '2023-03-31');
    const vocational = await course(
      'Kỹ năng nghề cơ khí – xây dựng',
      'vocational',
      320,
      '2023-01-09',
      '2023-03-31',
    );
    const orientation = await course(
      'Giáo dục định hướng trước khi đi làm việc ở nước ngoài',
      'orientation',
      74,
      '2023-04-03',
      '2023-04-21',
    );

    // 0–9 stay registered; the rest enter training.
    // The 2022–2023 courses have ended: their enrollments are entered as late entries of the past.
    const enroll = async (courseId: string, candidateId: string) =>
      (
        await call(asCenter, 'POST', `/courses/${courseId}/enrollments`, {
          candidateId,
          lateEntryReason: 'Nhập lại hồ sơ khóa học 2022–2023 (dữ liệu mẫu)',
        })
      ).id as string;
    const result = (enrollmentId: string, outcome: string, extra: object = {}) =>
      call(asCenter, 'POST', `/enrollments/${enrollmentId}/result`, { outcome, ...extra });
    for (const [i, p] of people.entries()) {
      if (i < 10) continue;
      const e1 = await enroll(language, p.id);
      if (i < 18) continue; // still in training
      if (i < 22) {
        await result(e1, 'failed', { score: 41 });
        continue;
      }
      await result(e1, 'passed', { score: 70 + (i % 25), jlptLevel: i % 3 === 0 ? 'N3' : 'N4' });
      if (i % 2 === 0) await result(await enroll(vocational, p.id), 'passed', { score: 80 });
      if (i < 26) {
        await call(asCenter, 'POST', `/candidates/${p.id}/transitions`, {
          to: 'withdrawn',
          reason: 'Gia đình không đồng ý',
        });
        continue;
      }
      await call(asCenter, 'POST', `/candidates/${p.id}/transitions`, { to: 'ready' });
      if (i >= 40) await result(await enroll(orientation, p.id), 'passed', { score: 90 });
    }

    // Placements: Japanese job orders for the Long An and Vĩnh Phúc centers' partners, others abroad.
    const partnerId =
      key === 'vinhphuc' ? partners.akita! : key === 'cantho' ? partners.niigata! : partners.okayamaCity!;
    const prefectureCode = key === 'vinhphuc' ? '05' : key === 'cantho' ? '15' : '33';
    const asPartner: Actor = { ...systemAdmin, role: 'partner', partnerId };
    // One job order per field the partner recruits in: a selection must meet the order's field and
    // minimum JLPT, as the service checks.
    const orders = new Map<string, string>();
    const orderFor = async (field: string) => {
      let id = orders.get(field);
      if (!id) {
        id = (
          await call(asPartner, 'POST', '/job-orders', {
            prefectureCode,
            municipality: key === 'vinhphuc' ? '秋田市' : key === 'cantho' ? '新潟市' : '岡山市',
            employerName:
              key === 'vinhphuc'
                ? '株式会社秋田農産'
                : key === 'cantho'
                  ? '新潟精機株式会社'
                  : '株式会社岡山精密工業',
            program: 'titp_1',
            field,
            headcount: 40,
            minJlpt: 'N4',
            interviewOn: '2023-05-10',
            departureBy: '2023-10-31',
          })
        ).id as string;
        orders.set(field, id);
      }
      return id;
    };
    const readyOnes = people.slice(40);
    let abroadNow = 0;
    let endingSoon = 0;
    for (const [j, p] of readyOnes.entries()) {
      if (j % 8 === 7) continue; // some stay ready
      let placementId: string;
      // Departures over 2023–2025 (returns a year later), so that recent years have figures too.
      const departedOn = `${2023 + (j % 3)}-0${5 + (j % 5)}-1${j % 10}`;
      const willDepart = j % 6 !== 5;
      const willReturn = willDepart && j % 3 === 0;
      // Japan: 3-year contracts given at selection (the fee ledger counts its caps per 12 months of
      // contract). Some of those who left in 2024 and are still abroad started theirs a little earlier,
      // so that it ends 20 or 75 days from today and the 90- and 30-day alerts show; the residence
      // cards of those still abroad expire at dates spread from today.
      const stillAbroad = willDepart && !willReturn ? abroadNow++ : -1;
      const endsSoon = stillAbroad >= 0 && j % 3 === 1 ? [20, 75, null][endingSoon++ % 3] : null;
      const contractStart = !willDepart
        ? addDays(today, 30)
        : endsSoon
          ? addDays(today, endsSoon - 1095)
          : departedOn;
      const terms = { contractStart, contractEnd: addDays(contractStart, 1095) };
      // Partners select only from the pool: those who did not consent are placed by the center.
      if (j % 5 === 4 || !p.consentToShare) {
        const abroad = pick(['TW', 'KR', 'DE']);
        placementId = (
          await call(asCenter, 'POST', '/placements', {
            candidateId: p.id,
            destinationCountry: abroad,
            employerName:
              abroad === 'TW'
                ? 'Foxconn Taiwan'
                : abroad === 'KR'
                  ? 'Samsung Heavy Industries'
                  : 'Pflegeheim Berlin',
            program: 'other',
            field: abroad === 'DE' ? 'nursing_care' : 'industrial_manufacturing',
            contractStart: '2023-06-01',
            contractEnd: '2026-05-31',
          })
        ).id;
      } else {
        placementId = (
          await call(asPartner, 'POST', `/job-orders/${await orderFor(p.occupationField)}/selections`, {
            candidateCode: p.poolCode,
            // Contract terms: the fee ledger counts the legal caps in months of this wage.
            ...terms,
            monthlyWageJpy: 160_000 + (j % 5) * 5_000,
          })
        ).placementId;
      }
      selected++;
      if (!willDepart) continue; // selected, not yet departed
      const departed = await call(asCenter, 'POST', `/placements/${placementId}/depart`, { departedOn });
      if (departed.destinationCountry === 'JP' && stillAbroad >= 0) {
        // The 在留カード of those still in Japan, some expiring within 90 or 30 days.
        await call(asCenter, 'PATCH', `/placements/${placementId}`, {
          residenceCardNo: `VN${String(10_000_000 + j * 7_919 + selected).slice(-8)}${key.slice(0, 2).toUpperCase()}`,
          residenceCardExpiresOn: addDays(today, [15, 60, 150, 300][stillAbroad % 4]!),
          version: departed.version,
        });
      }
      if (willReturn) {
        const returnedOn = `${Number(departedOn.slice(0, 4)) + 1}${departedOn.slice(4)}`;
        await call(asCenter, 'POST', `/placements/${placementId}/return`, {
          returnedOn,
          reason: j % 9 === 0 ? 'early_termination' : 'completed',
        });
        const employer = employers.find(
          (e) => e.provinceCode === centerSpecs.find((c) => c.key === key)!.provinceCode,
        );
        if (employer && j % 2 === 0) {
          await call(asCenter, 'POST', `/candidates/${p.id}/reintegration`, {
            homeEmployerId: employer.id,
            startedOn:
              `${returnedOn.slice(0, 4)}-10-01` > today ? returnedOn : `${returnedOn.slice(0, 4)}-10-01`,
            position: 'Kỹ thuật viên',
          });
        }
      }
    }

    // The 2023 orders as their history says: recruitment over, each is filled (the headcount set to
    // the selections made) or closed.
    for (const [n, orderId] of [...orders.values()].entries()) {
      const o = await call(asPartner, 'GET', `/job-orders/${orderId}`);
      if (o.selected > 0 && n % 2 === 0) {
        await call(asPartner, 'PATCH', `/job-orders/${orderId}`, { headcount: o.selected });
      } else {
        await call(asPartner, 'POST', `/job-orders/${orderId}/close`, {
          reason: 'Đợt tuyển 2023 đã kết thúc / 2023年度の募集終了',
        });
      }
    }
  }

  await seedProtectionDemo(call, systemAdmin, [partners.okayamaCity!]);
  const pipeline = await call(systemAdmin, 'GET', '/reports/pipeline');
  return { alreadyThere: false, users, selected, pipeline: pipeline.rows };
}

async function main() {
  const app = await buildApp(loadConfig(), { logger: false });
  const summary = await seedDemo(app);
  await app.close();
  if (summary.alreadyThere) {
    console.log('The demo data is already there; nothing to do.');
    return;
  }
  console.log(
    '\nDemo data loaded: 4 training centers, 10 Japanese partners, 7 agreements, 6 home employers,',
  );
  console.log(
    `320 candidates (${summary.selected} selected or further), courses, results, placements, returns and reintegrations.`,
  );
  console.log(
    `Candidates by status: ${summary.pipeline.map((r) => `${r.status} ${r.candidates}`).join(', ')}`,
  );
  console.log(`\nDemo users (password for all: ${DEMO_PASSWORD}; set DEMO_PASSWORD to choose another):`);
  for (const u of summary.users) console.log(`  ${u.role.padEnd(8)} ${u.email.padEnd(30)} ${u.scope}`);
}

// Run as a script (npm run seed:demo), not when a test imports seedDemo.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    // The service (or another command) holds the embedded database: its message says who and what to do.
    console.error(err instanceof DataDirLockedError ? err.message : err);
    process.exit(1);
  });
}
