import { lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import {
  alerts,
  candidates,
  courses,
  enrollments,
  homeEmployers,
  jobOrders,
  placements,
  rateLimits,
} from '../../db/schema.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import type { AlertKind } from './operations.table.ts';

/** What the periodic work of this module needs: the database and the moment it works for. */
export interface OperationsJobContext {
  db: Db;
  now: Date;
}

/** How many home employers an alert about a contract's end suggests for the returnee. */
const SUGGESTIONS = 5;

type AlertValues = { [K in keyof typeof alerts.$inferInsert]?: SQL };

/**
 * One kind of deadline alert: the columns each alert copies (an SQL expression per column of
 * `alerts`) and the FROM … WHERE that finds the subjects due.
 */
interface AlertRule {
  kind: AlertKind;
  values: AlertValues;
  source: SQL;
}

/**
 * Raises the alerts a rule finds: one set-based INSERT … SELECT … ON CONFLICT DO NOTHING. The
 * unique index alerts_once_unique (kind, subject, threshold, due date) makes a repeated run — or two
 * instances running at once — raise nothing twice. Answers the thresholds of the alerts raised.
 * (The query builder's insert-from-select must list every column of the table, defaults included.)
 */
async function raiseAlerts(db: Db, { kind, values, source }: AlertRule): Promise<number[]> {
  const entries = Object.entries({ kind: sql`${kind}::text`, ...values }) as [keyof AlertValues, SQL][];
  const rows = await queryRows<{ thresholdDays: number }>(
    db,
    sql`insert into ${alerts} (${sql.join(
      entries.map(([key]) => sql.identifier(alerts[key].name)),
      sql`, `,
    )})
        select ${sql.join(
          entries.map(([, value]) => value),
          sql`, `,
        )}
        ${source}
        on conflict do nothing
        returning ${alerts.thresholdDays} as "thresholdDays"`,
  );
  return rows.map((r) => r.thresholdDays);
}

/** The scope columns every alert about a candidate copies, so that reading it is a WHERE on the alert. */
const candidateScope = {
  candidateId: sql`${candidates.id}`,
  candidateCode: sql`${candidates.code}`,
  trainingCenterId: sql`${candidates.trainingCenterId}`,
  provinceCode2025: sql`${candidates.homeProvince2025}`,
} satisfies AlertValues;

/** An alert about a placement: its candidate's scope, the placement, its job order and partner. */
const placementScope = {
  subjectType: sql`'placement'`,
  subjectId: sql`${placements.id}`,
  ...candidateScope,
  placementId: sql`${placements.id}`,
  jobOrderId: sql`${placements.jobOrderId}`,
  partnerId: sql`${jobOrders.partnerId}`,
} satisfies AlertValues;

/** Placements with their candidate and (when they have one) their job order. */
const placementsWithCandidates = sql`from ${placements}
  join ${candidates} on ${candidates.id} = ${placements.candidateId}
  left join ${jobOrders} on ${jobOrders.id} = ${placements.jobOrderId}`;

/** Departed placements whose contract ends within 90 days (threshold 90) or within 30 (threshold 30). */
function contractEnding(db: Db, today: string): AlertRule {
  const days = sql`(case when ${placements.contractEnd} <= ${today}::date + 30 then 30 else 90 end)`;
  // Japanese-invested firms in the returnee's (2025) home province and in the field they worked in
  // abroad: where reintegration can start.
  const suggested = db
    .select({
      id: homeEmployers.id,
      name: homeEmployers.name,
      industrialPark: homeEmployers.industrialPark,
      sector: homeEmployers.sector,
    })
    .from(homeEmployers)
    .where(
      sql`${homeEmployers.provinceCode} = ${candidates.homeProvince2025} and ${homeEmployers.sector} = ${placements.field}
          and ${homeEmployers.investorCountry} = 'JP'`,
    )
    .orderBy(homeEmployers.name, homeEmployers.id)
    .limit(SUGGESTIONS)
    .as('h');
  return {
    kind: 'contract_ending',
    values: {
      ...placementScope,
      thresholdDays: days,
      dueOn: sql`${placements.contractEnd}`,
      message: sql`format('The contract of %s with %s ends on %s (within %s days): plan the return and a job at home.',
                          ${candidates.code}, ${placements.employerName}, ${placements.contractEnd}, ${days})`,
      details: sql`jsonb_build_object(
        'contractEnd', ${placements.contractEnd},
        'employerName', ${placements.employerName},
        'destinationCountry', ${placements.destinationCountry},
        'field', ${placements.field},
        'homeProvinceCode', ${candidates.homeProvince2025},
        'suggestedHomeEmployers', coalesce((
          select jsonb_agg(jsonb_build_object('id', ${suggested.id}, 'name', ${suggested.name},
                                              'industrialPark', ${suggested.industrialPark}, 'sector', ${suggested.sector})
                           order by ${suggested.name}, ${suggested.id})
            from ${suggested}), '[]'::jsonb))`,
    },
    source: sql`${placementsWithCandidates}
       where ${placements.status} = 'departed'
         and ${placements.contractEnd} between ${today}::date and ${today}::date + 90`,
  };
}

/**
 * Departed placements whose residence card (在留カード) expires within 90 days (threshold 90) or
 * within 30 (threshold 30): the worker must apply for its renewal in time, whatever made the placement.
 */
function residenceCardExpiring(today: string): AlertRule {
  const days = sql`(case when ${placements.residenceCardExpiresOn} <= ${today}::date + 30 then 30 else 90 end)`;
  return {
    kind: 'residence_card_expiring',
    values: {
      ...placementScope,
      thresholdDays: days,
      dueOn: sql`${placements.residenceCardExpiresOn}`,
      message: sql`format('The residence card of %s (working for %s) expires on %s (within %s days): the renewal must be applied for before then.',
                          ${candidates.code}, ${placements.employerName}, ${placements.residenceCardExpiresOn}, ${days})`,
      details: sql`jsonb_build_object('residenceCardExpiresOn', ${placements.residenceCardExpiresOn},
                                      'contractEnd', ${placements.contractEnd},
                                      'employerName', ${placements.employerName},
                                      'prefectureCode', ${placements.prefectureCode})`,
    },
    source: sql`${placementsWithCandidates}
       where ${placements.status} = 'departed'
         and ${placements.residenceCardExpiresOn} between ${today}::date and ${today}::date + 90`,
  };
}

/**
 * Planned placements due to leave within 30 days (the job order's departure date, or the contract
 * start, whichever is earlier — or already past) whose candidate has not passed an orientation
 * course: Law 69/2020/QH14 makes the pre-departure orientation a condition of leaving.
 */
function departureWithoutOrientation(today: string): AlertRule {
  const due = sql`least(${jobOrders.departureBy}, ${placements.contractStart})`;
  return {
    kind: 'departure_without_orientation',
    values: {
      ...placementScope,
      thresholdDays: sql`30`,
      dueOn: due,
      message: sql`format('%s is to leave for %s by %s but has not passed the pre-departure orientation course (Law 69/2020/QH14).',
                          ${candidates.code}, ${placements.employerName}, ${due})`,
      details: sql`jsonb_build_object('departureBy', ${jobOrders.departureBy}, 'contractStart', ${placements.contractStart},
                                      'employerName', ${placements.employerName},
                                      'destinationCountry', ${placements.destinationCountry})`,
    },
    source: sql`${placementsWithCandidates}
       where ${placements.status} = 'planned'
         and ${due} <= ${today}::date + 30
         and not exists (
           select 1 from ${enrollments} join ${courses} on ${courses.id} = ${enrollments.courseId}
            where ${enrollments.candidateId} = ${placements.candidateId}
              and ${enrollments.outcome} = 'passed' and ${courses.kind} = 'orientation')`,
  };
}

/** Open job orders whose interview date has passed with nobody selected (no placement that stands). */
function interviewWithoutSelection(today: string): AlertRule {
  return {
    kind: 'interview_without_selection',
    values: {
      subjectType: sql`'job_order'`,
      subjectId: sql`${jobOrders.id}`,
      thresholdDays: sql`0`,
      dueOn: sql`${jobOrders.interviewOn}`,
      message: sql`format('The interview for %s (%s, %s) was on %s and nobody has been selected.',
                          ${jobOrders.employerName}, ${jobOrders.program}, ${jobOrders.field}, ${jobOrders.interviewOn})`,
      details: sql`jsonb_build_object('interviewOn', ${jobOrders.interviewOn}, 'employerName', ${jobOrders.employerName},
                                      'program', ${jobOrders.program}, 'field', ${jobOrders.field},
                                      'headcount', ${jobOrders.headcount})`,
      jobOrderId: sql`${jobOrders.id}`,
      partnerId: sql`${jobOrders.partnerId}`,
    },
    source: sql`from ${jobOrders}
       where ${jobOrders.status} = 'open'
         and ${jobOrders.interviewOn} < ${today}::date
         and not exists (select 1 from ${placements}
                          where ${placements.jobOrderId} = ${jobOrders.id} and ${placements.status} <> 'cancelled')`,
  };
}

/** Candidates `ready` for more than 180 days: the status has not changed since (`status_changed_at`). */
function readyTooLong(now: Date): AlertRule {
  const cutoff = new Date(now.getTime() - 180 * 86_400_000).toISOString();
  const since = sql`(${candidates.statusChangedAt} at time zone 'Asia/Ho_Chi_Minh')::date`;
  return {
    kind: 'ready_too_long',
    values: {
      subjectType: sql`'candidate'`,
      subjectId: sql`${candidates.id}`,
      thresholdDays: sql`180`,
      dueOn: sql`${since} + 180`,
      message: sql`format('%s has been ready for placement since %s (more than 180 days) without a placement.',
                          ${candidates.code}, ${since})`,
      details: sql`jsonb_build_object('readySince', ${since}, 'occupationField', ${candidates.occupationField},
                                      'jlptLevel', ${candidates.jlptLevel})`,
      ...candidateScope,
    },
    source: sql`from ${candidates}
       where ${candidates.status} = 'ready' and ${candidates.statusChangedAt} < ${cutoff}::timestamptz`,
  };
}

/**
 * Raises the deadline alerts due at `now`; each alert at most once, however often it runs. Messages
 * name candidates by their public code only. "Today" is the date in Viet Nam, where the deadlines
 * are kept.
 */
export async function deadlineAlerts({ db, now }: OperationsJobContext) {
  const today = todayInVietnam(now);
  // One after the other, in this order: the counts name what each rule raised.
  const contracts = await raiseAlerts(db, contractEnding(db, today));
  const cards = await raiseAlerts(db, residenceCardExpiring(today));
  const departures = await raiseAlerts(db, departureWithoutOrientation(today));
  const interviews = await raiseAlerts(db, interviewWithoutSelection(today));
  const ready = await raiseAlerts(db, readyTooLong(now));
  return {
    counts: {
      contractEnding90: contracts.filter((d) => d === 90).length,
      contractEnding30: contracts.filter((d) => d === 30).length,
      residenceCardExpiring90: cards.filter((d) => d === 90).length,
      residenceCardExpiring30: cards.filter((d) => d === 30).length,
      departureWithoutOrientation: departures.length,
      interviewWithoutSelection: interviews.length,
      readyTooLong: ready.length,
    },
  };
}

/** Removes the rate-limit counters whose window has closed (most are reused or swept sooner). */
export async function sweepRateLimits({ db, now }: OperationsJobContext): Promise<number> {
  const gone = await db
    .delete(rateLimits)
    .where(lt(rateLimits.expiresAt, now))
    .returning({ key: rateLimits.key });
  return gone.length;
}
