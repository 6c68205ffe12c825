import { sql } from 'drizzle-orm';
import { queryRows } from '../db/query.ts';
import { type JobContext, type JobResult, vietnamDate } from './types.ts';

/** How many home employers an alert about a contract's end suggests for the returnee. */
const SUGGESTIONS = 5;

/*
 * Every alert is one set-based INSERT … SELECT … ON CONFLICT DO NOTHING: the unique index
 * alerts_once_unique (kind, subject, threshold, due date) makes a repeated run — or two instances
 * running at once — raise nothing twice. Messages name candidates by their public code only.
 * "Today" is the date in Viet Nam, where the deadlines are kept.
 */

/** Departed placements whose contract ends within 90 days (threshold 90) or within 30 (threshold 30). */
async function contractEnding(ctx: JobContext, today: string) {
  const [row] = await queryRows<{ d90: number; d30: number }>(
    ctx.db,
    sql`with ins as (
      insert into alerts (kind, subject_type, subject_id, threshold_days, due_on, message, details,
                          candidate_id, candidate_code, placement_id, job_order_id,
                          training_center_id, province_code_2025, partner_id)
      select 'contract_ending', 'placement', p.id, t.days, p.contract_end,
             format('The contract of %s with %s ends on %s (within %s days): plan the return and a job at home.',
                    c.code, p.employer_name, p.contract_end, t.days),
             jsonb_build_object(
               'contractEnd', p.contract_end,
               'employerName', p.employer_name,
               'destinationCountry', p.destination_country,
               'field', p.field,
               'homeProvinceCode', c.home_province_2025,
               -- Japanese-invested firms in the returnee's (2025) home province and in the field
               -- they worked in abroad: where reintegration can start.
               'suggestedHomeEmployers', coalesce((
                 select jsonb_agg(jsonb_build_object('id', h.id, 'name', h.name,
                                                     'industrialPark', h.industrial_park, 'sector', h.sector)
                                  order by h.name, h.id)
                   from (select * from home_employers he
                          where he.province_code = c.home_province_2025 and he.sector = p.field
                            and he.investor_country = 'JP'
                          order by he.name, he.id limit ${SUGGESTIONS}) h), '[]'::jsonb)),
             c.id, c.code, p.id, p.job_order_id, c.training_center_id, c.home_province_2025, jo.partner_id
        from placements p
        join candidates c on c.id = p.candidate_id
        left join job_orders jo on jo.id = p.job_order_id
       cross join lateral (
         select case when p.contract_end <= ${today}::date + 30 then 30 else 90 end as days) t
       where p.status = 'departed'
         and p.contract_end between ${today}::date and ${today}::date + 90
      on conflict do nothing
      returning threshold_days)
    select (count(*) filter (where threshold_days = 90))::int as d90,
           (count(*) filter (where threshold_days = 30))::int as d30
      from ins`,
  );
  return { contractEnding90: row?.d90 ?? 0, contractEnding30: row?.d30 ?? 0 };
}

/**
 * Planned placements due to leave within 30 days (the job order's departure date, or the contract
 * start, whichever is earlier — or already past) whose candidate has not passed an orientation
 * course: Law 69/2020/QH14 makes the pre-departure orientation a condition of leaving.
 */
async function departureWithoutOrientation(ctx: JobContext, today: string) {
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`with ins as (
      insert into alerts (kind, subject_type, subject_id, threshold_days, due_on, message, details,
                          candidate_id, candidate_code, placement_id, job_order_id,
                          training_center_id, province_code_2025, partner_id)
      select 'departure_without_orientation', 'placement', p.id, 30, d.due,
             format('%s is to leave for %s by %s but has not passed the pre-departure orientation course (Law 69/2020/QH14).',
                    c.code, p.employer_name, d.due),
             jsonb_build_object('departureBy', jo.departure_by, 'contractStart', p.contract_start,
                                'employerName', p.employer_name, 'destinationCountry', p.destination_country),
             c.id, c.code, p.id, p.job_order_id, c.training_center_id, c.home_province_2025, jo.partner_id
        from placements p
        join candidates c on c.id = p.candidate_id
        left join job_orders jo on jo.id = p.job_order_id
       cross join lateral (select least(jo.departure_by, p.contract_start) as due) d
       where p.status = 'planned'
         and d.due <= ${today}::date + 30
         and not exists (
           select 1 from enrollments e join courses co on co.id = e.course_id
            where e.candidate_id = p.candidate_id and e.outcome = 'passed' and co.kind = 'orientation')
      on conflict do nothing
      returning 1)
    select count(*)::int as n from ins`,
  );
  return row?.n ?? 0;
}

/** Open job orders whose interview date has passed with nobody selected (no placement that stands). */
async function interviewWithoutSelection(ctx: JobContext, today: string) {
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`with ins as (
      insert into alerts (kind, subject_type, subject_id, threshold_days, due_on, message, details,
                          job_order_id, partner_id)
      select 'interview_without_selection', 'job_order', jo.id, 0, jo.interview_on,
             format('The interview for %s (%s, %s) was on %s and nobody has been selected.',
                    jo.employer_name, jo.program, jo.field, jo.interview_on),
             jsonb_build_object('interviewOn', jo.interview_on, 'employerName', jo.employer_name,
                                'program', jo.program, 'field', jo.field, 'headcount', jo.headcount),
             jo.id, jo.partner_id
        from job_orders jo
       where jo.status = 'open'
         and jo.interview_on < ${today}::date
         and not exists (select 1 from placements p where p.job_order_id = jo.id and p.status <> 'cancelled')
      on conflict do nothing
      returning 1)
    select count(*)::int as n from ins`,
  );
  return row?.n ?? 0;
}

/** Candidates `ready` for more than 180 days: the status has not changed since (`status_changed_at`). */
async function readyTooLong(ctx: JobContext) {
  const cutoff = new Date(ctx.now.getTime() - 180 * 86_400_000).toISOString();
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`with ins as (
      insert into alerts (kind, subject_type, subject_id, threshold_days, due_on, message, details,
                          candidate_id, candidate_code, training_center_id, province_code_2025)
      select 'ready_too_long', 'candidate', c.id, 180, r.since + 180,
             format('%s has been ready for placement since %s (more than 180 days) without a placement.',
                    c.code, r.since),
             jsonb_build_object('readySince', r.since, 'occupationField', c.occupation_field,
                                'jlptLevel', c.jlpt_level),
             c.id, c.code, c.training_center_id, c.home_province_2025
        from candidates c
       cross join lateral (
         select (c.status_changed_at at time zone 'Asia/Ho_Chi_Minh')::date as since) r
       where c.status = 'ready' and c.status_changed_at < ${cutoff}::timestamptz
      on conflict do nothing
      returning 1)
    select count(*)::int as n from ins`,
  );
  return row?.n ?? 0;
}

/** Raises the deadline alerts due at `ctx.now`; each alert at most once, however often it runs. */
export async function deadlineAlerts(ctx: JobContext): Promise<JobResult> {
  const today = vietnamDate(ctx.now);
  const contracts = await contractEnding(ctx, today);
  const departures = await departureWithoutOrientation(ctx, today);
  const interviews = await interviewWithoutSelection(ctx, today);
  const ready = await readyTooLong(ctx);
  return {
    counts: {
      ...contracts,
      departureWithoutOrientation: departures,
      interviewWithoutSelection: interviews,
      readyTooLong: ready,
    },
  };
}
