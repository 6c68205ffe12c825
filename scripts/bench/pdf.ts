/**
 * Certificate PDF speed and size (DESIGN.md: ≤ 5 ms median, ≤ 60 KB per certificate), beside the
 * naive path — pdfkit reading and parsing the font files for every document — measured in the same
 * run, in alternating rounds so that the noise of a shared machine falls on both alike.
 *
 * Alone: `npx tsx scripts/bench/pdf.ts`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type CertificateData, certificatePdf, certificatesPdfStream } from '../../src/pdf/certificate.ts';
import { fontFiles, sharedFonts } from '../../src/pdf/fonts.ts';
import { type ProfileData, profilesPdf } from '../../src/pdf/profile.ts';
import { type BenchResult, percentile, printTable, round } from './lib.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Ngọc', 'Minh', 'Thanh', 'Quốc', 'Phương'];
const GIVEN = ['An', 'Bình', 'Cường', 'Diễm', 'Đức', 'Hạnh', 'Hùng', 'Lộc', 'Quỳnh', 'Thảo', 'Tuấn', 'Yến'];

function certificate(i: number): CertificateData {
  const serial = `LA-2026-${String(i + 1).padStart(6, '0')}`;
  const code = (i * 7919 + 104729).toString(32).toUpperCase().padStart(12, 'K').slice(0, 12);
  return {
    serial,
    verifyCode: code,
    verifyUrl: `https://kakehashi.example.gov.vn/verify/${serial}?code=${code}`,
    type: i % 3 === 0 ? 'orientation' : 'training_completion',
    issuedOn: '2026-03-05',
    holderName: `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 2) % MIDDLE.length]} ${GIVEN[(i * 5) % GIVEN.length]}`,
    holderBirthDate: `${1990 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    courseName: i % 3 === 0 ? 'Giáo dục định hướng' : 'Tiếng Nhật sơ cấp N4',
    courseKind: i % 3 === 0 ? 'orientation' : 'language',
    courseHours: i % 3 === 0 ? 74 : 600,
    courseStartsOn: '2025-09-01',
    courseEndsOn: '2026-02-28',
    score: i % 3 === 0 ? null : 60 + (i % 40),
    jlptLevel: i % 3 === 0 ? null : 'N4',
    centerName: 'Trung tâm Dịch vụ việc làm Long An',
    centerProvince: 'Tây Ninh',
    licenseNo: '123/LĐTBXH-GP',
  };
}

/** The test photo grown to `bytes` with JPEG comment segments, as a camera's metadata grows a real one. */
function photoOf(bytes: number): Buffer {
  const jpeg = readFileSync(new URL('../../test/fixtures/photo.jpg', import.meta.url));
  const segments: Buffer[] = [];
  let size = jpeg.length;
  while (size < bytes) {
    const n = Math.min(65_000, bytes - size);
    const head = Buffer.from([0xff, 0xfe, 0, 0]);
    head.writeUInt16BE(n + 2, 2);
    segments.push(head, randomBytes(n));
    size += n + 4;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

function profile(i: number, photo: Buffer): ProfileData {
  return {
    madeOn: '2026-11-27',
    code: `KH-2026-${String(i + 1).padStart(6, '0')}`,
    fullName: `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 2) % MIDDLE.length]} ${GIVEN[(i * 5) % GIVEN.length]}`,
    fullNameKana: 'グエン・ヴァン・ドゥック',
    dateOfBirth: `${1990 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    gender: i % 2 ? 'female' : 'male',
    homeProvince: 'Tây Ninh (Tay Ninh)',
    occupationField: 'nursing_care',
    jlptLevel: 'N4',
    centerName: 'Trung tâm Dịch vụ việc làm Long An',
    education: [
      { from: '2015-09', to: '2018-06', school: 'Trường THPT Lê Quý Đôn', note: 'Tốt nghiệp' },
      { from: '2018-09', to: '2021-06', school: 'Cao đẳng Y tế Long An', note: null },
    ],
    courses: [
      {
        name: 'Tiếng Nhật sơ cấp N4',
        startsOn: '2025-09-01',
        endsOn: '2026-02-28',
        outcome: 'passed',
        score: 60 + (i % 40) + 0.5,
        jlptLevel: 'N4',
      },
      {
        name: 'Giáo dục định hướng',
        startsOn: '2026-03-01',
        endsOn: '2026-03-20',
        outcome: null,
        score: null,
        jlptLevel: null,
      },
    ],
    motivation: 'Tôi muốn học kỹ thuật chăm sóc người cao tuổi của Nhật Bản để về quê mở cơ sở chăm sóc.',
    photo: { bytes: photo, contentType: 'image/jpeg' },
  };
}

async function timed(fn: () => Promise<Buffer>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const pdf = await fn();
  return { ms: performance.now() - started, bytes: pdf.length };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export async function benchPdf(options: { rounds?: number; batch?: number } = {}): Promise<BenchResult[]> {
  const rounds = options.rounds ?? 12;
  const batchSize = options.batch ?? 1000;
  const shared = sharedFonts(); // parsed once, as the service does at its first print
  const files = fontFiles();

  // Warm-up: JIT, the layout cache of repeated labels, zlib.
  for (let i = 0; i < 40; i++) await certificatePdf(certificate(i), { fonts: shared });
  for (let i = 0; i < 3; i++) await certificatePdf(certificate(i), { fonts: files });

  const fast: { ms: number; bytes: number }[] = [];
  const naive: { ms: number; bytes: number }[] = [];
  let n = 1000;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 25; i++) {
      const c = certificate(n++);
      fast.push(await timed(() => certificatePdf(c, { fonts: shared })));
    }
    for (let i = 0; i < 3; i++) {
      const c = certificate(n++);
      naive.push(await timed(() => certificatePdf(c, { fonts: files })));
    }
  }

  // One streamed PDF of many certificates, as POST /certificates/batch sends it.
  const list = Array.from({ length: batchSize }, (_, i) => certificate(5000 + i));
  const started = performance.now();
  let batchBytes = 0;
  for await (const chunk of certificatesPdfStream(list, { fonts: shared }))
    batchBytes += (chunk as Buffer).length;
  const batchMs = (performance.now() - started) / batchSize;

  // The profile sheet (履歴書) with a 200 KB photo, as GET /candidates/:id/profile.pdf prints it.
  const photo = photoOf(200 * 1024);
  for (let i = 0; i < 10; i++) await profilesPdf([profile(i, photo)], 'ja', { fonts: shared });
  const profiles: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < rounds * 5; i++) {
    const p = profile(100 + i, photo);
    profiles.push(await timed(() => profilesPdf([p], i % 2 ? 'vi' : 'ja', { fonts: shared })));
  }
  const msProfile = median(profiles.map((x) => x.ms));
  const kbProfile = median(profiles.map((x) => x.bytes)) / 1024;

  const msFast = median(fast.map((x) => x.ms));
  const msNaive = median(naive.map((x) => x.ms));
  const kbFast = median(fast.map((x) => x.bytes)) / 1024;
  const kbNaive = median(naive.map((x) => x.bytes)) / 1024;
  const kbBatch = batchBytes / batchSize / 1024;
  return [
    {
      name: 'profile sheet PDF with a 200 KB photo, median per document',
      value: round(msProfile),
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '≤ 10 ms',
      met: msProfile <= 10,
    },
    {
      name: 'profile sheet PDF with a 200 KB photo, median size',
      value: round(kbProfile),
      unit: 'KB',
      baseline: null,
      ratio: null,
      target: '≤ 400 KB',
      met: kbProfile <= 400,
    },
    {
      name: 'certificate PDF, median per document (fonts parsed once vs per document)',
      value: round(msFast),
      unit: 'ms',
      baseline: round(msNaive),
      ratio: round(msFast / msNaive, 3),
      target: '≤ 5 ms',
      met: msFast <= 5,
    },
    {
      name: 'certificate PDF, median size (font subset)',
      value: round(kbFast),
      unit: 'KB',
      baseline: round(kbNaive),
      ratio: round(kbFast / kbNaive, 3),
      target: '≤ 60 KB',
      met: kbFast <= 60,
    },
    {
      name: `certificate batch of ${batchSize}, per page`,
      value: round(batchMs),
      unit: 'ms',
      baseline: round(msFast),
      ratio: round(batchMs / msFast, 3),
      target: '≤ 5 ms',
      met: batchMs <= 5,
    },
    {
      name: `certificate batch of ${batchSize}, size per page`,
      value: round(kbBatch),
      unit: 'KB',
      baseline: round(kbFast),
      ratio: round(kbBatch / kbFast, 3),
      target: '≤ 60 KB',
      met: kbBatch <= 60,
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchPdf();
  printTable(results);
  console.log(JSON.stringify({ bench: results }));
  if (results.some((r) => !r.met)) process.exitCode = 1;
}
