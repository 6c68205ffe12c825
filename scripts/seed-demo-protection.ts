// Demo data of worker protection (README "Worker protection"), loaded through the HTTP API after the
// rest of the demo: fees on departed Japan placements (some over a legal cap, some only declared by
// the worker), Employment for Skill Development (esd) selections leaving in April 2027, grievances.
import type { Actor } from '../src/lib/actor.ts';

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, as seed-demo.ts reads them
type Call = (as: Actor, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => Promise<any>;

interface PlacementItem {
  id: string;
  candidateId: string;
  destinationCountry: string;
  program: string;
  monthlyWageJpy: number | null;
  status: string;
}

/** VND per yen at the time of the demo's payments (about 170 VND to the yen). */
const VND_RATE = 0.0059;

export async function seedProtectionDemo(call: Call, admin: Actor, partnerIds: readonly string[]) {
  // 1. Fees on the departed and returned Japan placements that have a wage.
  const japan: PlacementItem[] = [];
  for (const status of ['departed', 'returned']) {
    const page = await call(admin, 'GET', `/placements?status=${status}&limit=500`);
    japan.push(
      ...(page.items as PlacementItem[]).filter((p) => p.destinationCountry === 'JP' && p.monthlyWageJpy),
    );
  }
  let fees = 0;
  // Every other placement has its fees recorded (the rest: none recorded yet, as in real offices).
  for (const [i, p] of japan.filter((_, k) => k % 2 === 0).entries()) {
    const wage = p.monthlyWageJpy as number;
    // Service fee paid by the worker: mostly 2.5 months of wage (within the 3 months of Law 69/2020
    // for 36 months), every fifth 3.5 months (over the cap).
    const months = i % 5 === 4 ? 3.5 : 2.5;
    await call(admin, 'POST', `/placements/${p.id}/fees`, {
      category: 'service_fee',
      payer: 'worker',
      amount: Math.round((wage * months) / VND_RATE / 1000) * 1000,
      currency: 'VND',
      rateToJpy: VND_RATE,
      paidOn: '2023-03-15',
      receiptNo: `HD-${String(1000 + i)}`,
      source: 'receipt',
    });
    fees++;
    // Every fifth worker paid for the language course too; every seventh declares a brokerage
    // payment no receipt shows (brokerage for Japan is 0).
    if (i % 5 === 1) {
      await call(admin, 'POST', `/placements/${p.id}/fees`, {
        category: 'training',
        payer: 'worker',
        amount: 8_000_000,
        currency: 'VND',
        rateToJpy: VND_RATE,
        paidOn: '2023-02-01',
        source: 'receipt',
      });
      fees++;
    }
    if (i % 7 === 3) {
      await call(admin, 'POST', `/placements/${p.id}/fees`, {
        category: 'brokerage',
        payer: 'worker',
        amount: 30_000_000,
        currency: 'VND',
        rateToJpy: VND_RATE,
        paidOn: '2023-01-20',
        source: 'worker_declared',
      });
      fees++;
    }
  }

  // 1b. Early returns (returned before the contract's end, not as completed) with a service fee: the
  //     first was not the worker's fault (the company closed) and got the pro-rata refund of Law
  //     69/2020 art. 23; the second left the employer without reason (at fault, no refund).
  let earlyReturns = 0;
  for (const p of japan.filter((x, k) => k % 2 === 0 && x.status === 'returned')) {
    if (earlyReturns >= 2) break;
    const { summary } = await call(admin, 'GET', `/placements/${p.id}/fees`);
    if (!summary.refund || summary.refund.dueJpy === 0) continue;
    const atFault = earlyReturns === 1;
    await call(admin, 'PUT', `/placements/${p.id}/early-return`, {
      workerAtFault: atFault,
      reason: atFault
        ? 'Tự ý bỏ nơi làm việc, không có lý do chính đáng.'
        : 'Doanh nghiệp tiếp nhận giải thể; người lao động phải về nước trước hạn.',
    });
    if (!atFault) {
      await call(admin, 'POST', `/placements/${p.id}/fees`, {
        category: 'service_fee',
        payer: 'worker',
        amount: summary.refund.dueJpy,
        currency: 'JPY',
        paidOn: '2026-06-15',
        receiptNo: 'HT-0001',
        source: 'receipt',
        direction: 'refunded',
      });
      fees++;
    }
    earlyReturns++;
  }

  // 2. Employment for Skill Development: a partner's esd order leaving in April 2027, a few pool
  //    candidates with JLPT N5 or better selected with their contract terms, two of them charged too much.
  const partnerId = partnerIds[0]!;
  const asPartner: Actor = { ...admin, role: 'partner', partnerId };
  const pool = await call(asPartner, 'GET', '/pool?limit=200');
  const esd: string[] = [];
  const orders = new Map<string, string>();
  for (const c of pool.items as { code: string; jlptLevel: string | null; occupationField: string }[]) {
    if (esd.length >= 4) break;
    if (!c.jlptLevel || c.occupationField === 'other') continue;
    let order = orders.get(c.occupationField);
    if (!order) {
      order = (
        await call(asPartner, 'POST', '/job-orders', {
          prefectureCode: '33',
          municipality: '岡山市',
          employerName: '株式会社岡山育成工業',
          program: 'esd',
          field: c.occupationField,
          headcount: 4,
          minJlpt: 'N5',
          interviewOn: '2027-01-20',
          departureBy: '2027-04-30',
        })
      ).id as string;
      orders.set(c.occupationField, order);
    }
    const { placementId } = await call(asPartner, 'POST', `/job-orders/${order}/selections`, {
      candidateCode: c.code,
      contractStart: '2027-04-01',
      contractEnd: '2030-03-31',
      monthlyWageJpy: 185_000,
    });
    esd.push(placementId);
  }
  for (const [i, id] of esd.entries()) {
    // ESD: at most 2 months of wage (¥370,000) to the sending side; the first two pay 3.
    await call(admin, 'POST', `/placements/${id}/fees`, {
      category: 'service_fee',
      payer: 'worker',
      amount: i < 2 ? 555_000 : 300_000,
      currency: 'JPY',
      paidOn: '2026-11-02',
      receiptNo: `ESD-${i + 1}`,
      source: 'receipt',
    });
    fees++;
  }

  // 3. Grievances: one overdue, one acknowledged, one resolved, one just received.
  const departed = japan.filter((p) => p.status === 'departed');
  const grievances = [
    {
      category: 'wage_unpaid',
      description: 'Lương tháng 9 và 10 chưa được trả.',
      receivedVia: 'hotline',
      receivedAt: '2026-10-28T20:15:00+07:00',
    },
    {
      category: 'overtime',
      description: 'Làm thêm 80 giờ mỗi tháng, không được trả phụ cấp.',
      receivedVia: 'zalo',
      receivedAt: '2026-11-20T09:00:00+07:00',
      step: 'acknowledge',
    },
    {
      category: 'housing',
      description: 'Ký túc xá 6 người một phòng, bị trừ 40.000 yên mỗi tháng.',
      receivedVia: 'visit',
      receivedAt: '2026-11-03T14:30:00+07:00',
      step: 'resolve',
    },
    {
      category: 'fees',
      description: 'Phải trả thêm tiền "môi giới" không có biên lai.',
      receivedVia: 'phone',
      receivedAt: '2026-11-26T10:00:00+07:00',
    },
  ];
  let filed = 0;
  for (const [i, g] of grievances.entries()) {
    const p = departed[i * 3];
    if (!p) break;
    const { step, ...body } = g as typeof g & { step?: string };
    const { id } = await call(admin, 'POST', '/grievances', { candidateId: p.candidateId, ...body });
    if (step) await call(admin, 'POST', `/grievances/${id}/acknowledge`);
    if (step === 'resolve')
      await call(admin, 'POST', `/grievances/${id}/resolve`, {
        resolution: 'Công ty đã chuyển sang phòng 3 người và hoàn lại tiền trừ sai.',
      });
    filed++;
  }
  return { fees, earlyReturns, esdSelections: esd.length, grievances: filed };
}
