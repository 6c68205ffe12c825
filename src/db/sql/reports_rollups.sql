-- Report rollups (src/modules/reports/reports.table.ts), kept exact by triggers in the same transaction
-- as every write to placements, candidates and reintegrations, whatever code path makes it.
-- Idempotent: applied at every start after the drizzle migrations. Runs on PostgreSQL and PGlite.
--
-- placements / candidates / reintegrations ──(row triggers)──▶ reports_sync_placement(id)
--   ──▶ report_placement_facts (one row per departed placement, upsert/delete only when it changes)
--   ──(row trigger)──▶ − old contribution, + new contribution to the month and year rollups.

-- Adds (sign = 1) or removes (sign = -1) one fact's contribution to the month and year rollups.
create or replace function reports_apply_fact(f report_placement_facts, sign int) returns void
language plpgsql as $$
begin
  insert into report_departure_rollup as r
    (grain, period, province_code, boundaries, destination_country, program, field, gender, departed)
  values
    ('month', date_trunc('month', f.departed_on::timestamp)::date, f.province_code, f.boundaries,
     f.destination_country, f.program, f.field, f.gender, sign),
    ('year', date_trunc('year', f.departed_on::timestamp)::date, f.province_code, f.boundaries,
     f.destination_country, f.program, f.field, f.gender, sign)
  on conflict (grain, period, province_code, boundaries, destination_country, program, field, gender)
  do update set departed = r.departed + excluded.departed;

  insert into report_departure_totals as r
    (grain, period, province_code, boundaries, destination_country, departed)
  values
    ('month', date_trunc('month', f.departed_on::timestamp)::date, f.province_code, f.boundaries,
     f.destination_country, sign),
    ('year', date_trunc('year', f.departed_on::timestamp)::date, f.province_code, f.boundaries,
     f.destination_country, sign)
  on conflict (grain, period, province_code, boundaries, destination_country)
  do update set departed = r.departed + excluded.departed;

  if f.destination_country = 'JP' then
    insert into report_prefecture_totals as r (grain, period, prefecture_code, departed)
    values
      ('month', date_trunc('month', f.departed_on::timestamp)::date, f.prefecture_code, sign),
      ('year', date_trunc('year', f.departed_on::timestamp)::date, f.prefecture_code, sign)
    on conflict (grain, period, prefecture_code)
    do update set departed = r.departed + excluded.departed;

    insert into report_prefecture_rollup as r (grain, period, prefecture_code, program, field, gender, departed)
    values
      ('month', date_trunc('month', f.departed_on::timestamp)::date, f.prefecture_code, f.program, f.field, f.gender, sign),
      ('year', date_trunc('year', f.departed_on::timestamp)::date, f.prefecture_code, f.program, f.field, f.gender, sign)
    on conflict (grain, period, prefecture_code, program, field, gender)
    do update set departed = r.departed + excluded.departed;
  end if;

  if f.returned_on is not null then
    insert into report_return_rollup as r
      (grain, period, province_code, boundaries, destination_country, program, field, gender,
       returned, reintegrated)
    values
      ('month', date_trunc('month', f.returned_on::timestamp)::date, f.province_code, f.boundaries,
       f.destination_country, f.program, f.field, f.gender, sign, case when f.reintegrated then sign else 0 end),
      ('year', date_trunc('year', f.returned_on::timestamp)::date, f.province_code, f.boundaries,
       f.destination_country, f.program, f.field, f.gender, sign, case when f.reintegrated then sign else 0 end)
    on conflict (grain, period, province_code, boundaries, destination_country, program, field, gender)
    do update set returned = r.returned + excluded.returned, reintegrated = r.reintegrated + excluded.reintegrated;

    insert into report_return_totals as r
      (grain, period, province_code, boundaries, destination_country, returned, reintegrated)
    values
      ('month', date_trunc('month', f.returned_on::timestamp)::date, f.province_code, f.boundaries,
       f.destination_country, sign, case when f.reintegrated then sign else 0 end),
      ('year', date_trunc('year', f.returned_on::timestamp)::date, f.province_code, f.boundaries,
       f.destination_country, sign, case when f.reintegrated then sign else 0 end)
    on conflict (grain, period, province_code, boundaries, destination_country)
    do update set returned = r.returned + excluded.returned, reintegrated = r.reintegrated + excluded.reintegrated;
  end if;
end $$;

create or replace function reports_fact_changed() returns trigger
language plpgsql as $$
begin
  if current_setting('kh.reports_rebuilding', true) = 'on' then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform reports_apply_fact(old, -1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform reports_apply_fact(new, 1);
  end if;
  return null;
end $$;

drop trigger if exists report_placement_facts_rollup on report_placement_facts;
create trigger report_placement_facts_rollup
  after insert or update or delete on report_placement_facts
  for each row execute function reports_fact_changed();

-- The fact a placement contributes now: none before departure (planned, cancelled). A return counts
-- as reintegrated when a reintegration names that placement, or names none and started on or after
-- the return.
create or replace function reports_sync_placement(pid uuid) returns void
language plpgsql as $$
declare
  f report_placement_facts;
  cur report_placement_facts;
begin
  select p.id, p.candidate_id, p.departed_on, p.returned_on, c.home_province_code, c.province_boundaries,
         p.destination_country, coalesce(p.prefecture_code, ''), p.program, p.field, c.gender,
         p.returned_on is not null and exists (
           select 1 from reintegrations r
           where r.candidate_id = p.candidate_id
             and (r.placement_id = p.id or (r.placement_id is null and r.started_on >= p.returned_on)))
    into f
    from placements p join candidates c on c.id = p.candidate_id
   where p.id = pid and p.departed_on is not null and p.status in ('departed', 'returned');

  if f.placement_id is null then
    delete from report_placement_facts where placement_id = pid;
    return;
  end if;

  select * into cur from report_placement_facts where placement_id = pid for update;
  if cur.placement_id is null then
    insert into report_placement_facts values (f.*);
  elsif cur is distinct from f then
    update report_placement_facts
       set candidate_id = f.candidate_id, departed_on = f.departed_on, returned_on = f.returned_on,
           province_code = f.province_code, boundaries = f.boundaries,
           destination_country = f.destination_country, prefecture_code = f.prefecture_code,
           program = f.program, field = f.field, gender = f.gender, reintegrated = f.reintegrated
     where placement_id = pid;
  end if;
end $$;

create or replace function reports_placement_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform reports_sync_placement(old.id);
  else
    perform reports_sync_placement(new.id);
  end if;
  return null;
end $$;

drop trigger if exists placements_report_sync on placements;
create trigger placements_report_sync
  after insert or delete or update of candidate_id, departed_on, returned_on, destination_country,
    prefecture_code, program, field, status on placements
  for each row execute function reports_placement_changed();

-- A candidate's home province or gender changes every fact of theirs; status, province and center
-- move them in the pipeline.
create or replace function reports_candidate_changed() returns trigger
language plpgsql as $$
declare
  pid uuid;
begin
  if tg_op in ('UPDATE', 'DELETE') then
    insert into report_pipeline_rollup as r (province_2025, training_center_id, status, candidates)
    values (old.home_province_2025, old.training_center_id, old.status, -1)
    on conflict (province_2025, training_center_id, status) do update set candidates = r.candidates - 1;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into report_pipeline_rollup as r (province_2025, training_center_id, status, candidates)
    values (new.home_province_2025, new.training_center_id, new.status, 1)
    on conflict (province_2025, training_center_id, status) do update set candidates = r.candidates + 1;
  end if;
  if tg_op = 'UPDATE' and (old.home_province_code, old.province_boundaries, old.gender)
       is distinct from (new.home_province_code, new.province_boundaries, new.gender) then
    for pid in select placement_id from report_placement_facts where candidate_id = new.id loop
      perform reports_sync_placement(pid);
    end loop;
  end if;
  return null;
end $$;

-- Inserts are counted once per statement: a CSV import of 100,000 rows in one transaction would
-- otherwise update the same pipeline row 100,000 times, each update slower than the last (every
-- update leaves a dead row version the next one must step over).
create or replace function reports_candidates_inserted() returns trigger
language plpgsql as $$
begin
  insert into report_pipeline_rollup as r (province_2025, training_center_id, status, candidates)
  select home_province_2025, training_center_id, status, count(*)::int from new_rows group by 1, 2, 3
  on conflict (province_2025, training_center_id, status) do update set candidates = r.candidates + excluded.candidates;
  return null;
end $$;

drop trigger if exists candidates_report_sync on candidates;
drop trigger if exists candidates_report_sync_update on candidates;
drop trigger if exists candidates_report_insert on candidates;
create trigger candidates_report_insert
  after insert on candidates
  referencing new table as new_rows
  for each statement execute function reports_candidates_inserted();
create trigger candidates_report_sync
  after delete on candidates
  for each row execute function reports_candidate_changed();
create trigger candidates_report_sync_update
  after update of status, home_province_2025, training_center_id, home_province_code,
    province_boundaries, gender on candidates
  for each row
  when ((old.status, old.home_province_2025, old.training_center_id, old.home_province_code,
         old.province_boundaries, old.gender)
        is distinct from (new.status, new.home_province_2025, new.training_center_id,
         new.home_province_code, new.province_boundaries, new.gender))
  execute function reports_candidate_changed();

create or replace function reports_reintegration_changed() returns trigger
language plpgsql as $$
declare
  pid uuid;
begin
  -- The candidate before and after: old is null on insert, new on delete.
  for pid in
    select p.id from placements p
     where p.returned_on is not null and p.candidate_id in (old.candidate_id, new.candidate_id)
  loop
    perform reports_sync_placement(pid);
  end loop;
  return null;
end $$;

drop trigger if exists reintegrations_report_sync on reintegrations;
create trigger reintegrations_report_sync
  after insert or update or delete on reintegrations
  for each row execute function reports_reintegration_changed();

-- Recomputes every report table from the raw tables, set-based. For after a bulk load made with
-- triggers off (scripts/seed-volume.ts), or to check the rollups (the tests compare against it).
create or replace function reports_rebuild() returns void
language plpgsql as $$
begin
  perform set_config('kh.reports_rebuilding', 'on', true);
  -- delete, not truncate: no ACCESS EXCLUSIVE lock, and it may run inside a transaction with readers.
  delete from report_departure_rollup;
  delete from report_departure_totals;
  delete from report_prefecture_totals;
  delete from report_return_totals;
  delete from report_prefecture_rollup;
  delete from report_return_rollup;
  delete from report_pipeline_rollup;
  delete from report_placement_facts;

  insert into report_placement_facts
  select p.id, p.candidate_id, p.departed_on, p.returned_on, c.home_province_code, c.province_boundaries,
         p.destination_country, coalesce(p.prefecture_code, ''), p.program, p.field, c.gender,
         p.returned_on is not null and exists (
           select 1 from reintegrations r
           where r.candidate_id = p.candidate_id
             and (r.placement_id = p.id or (r.placement_id is null and r.started_on >= p.returned_on)))
    from placements p join candidates c on c.id = p.candidate_id
   where p.departed_on is not null and p.status in ('departed', 'returned');

  insert into report_departure_rollup
  select g.grain, date_trunc(g.grain, f.departed_on::timestamp)::date, f.province_code, f.boundaries,
         f.destination_country, f.program, f.field, f.gender, count(*)::int
    from report_placement_facts f cross join (values ('month'), ('year')) g(grain)
   group by 1, 2, 3, 4, 5, 6, 7, 8;

  insert into report_prefecture_rollup
  select g.grain, date_trunc(g.grain, f.departed_on::timestamp)::date, f.prefecture_code, f.program, f.field,
         f.gender, count(*)::int
    from report_placement_facts f cross join (values ('month'), ('year')) g(grain)
   where f.destination_country = 'JP'
   group by 1, 2, 3, 4, 5, 6;

  insert into report_return_rollup
  select g.grain, date_trunc(g.grain, f.returned_on::timestamp)::date, f.province_code, f.boundaries,
         f.destination_country, f.program, f.field, f.gender, count(*)::int,
         (count(*) filter (where f.reintegrated))::int
    from report_placement_facts f cross join (values ('month'), ('year')) g(grain)
   where f.returned_on is not null
   group by 1, 2, 3, 4, 5, 6, 7, 8;

  insert into report_departure_totals
  select grain, period, province_code, boundaries, destination_country, sum(departed)::int
    from report_departure_rollup group by 1, 2, 3, 4, 5;

  insert into report_prefecture_totals
  select grain, period, prefecture_code, sum(departed)::int
    from report_prefecture_rollup group by 1, 2, 3;

  insert into report_return_totals
  select grain, period, province_code, boundaries, destination_country, sum(returned)::int, sum(reintegrated)::int
    from report_return_rollup group by 1, 2, 3, 4, 5;

  insert into report_pipeline_rollup
  select home_province_2025, training_center_id, status, count(*)::int
    from candidates
   group by 1, 2, 3;

  perform set_config('kh.reports_rebuilding', 'off', true);
end $$;

-- A database that had rows before these triggers existed gets its report tables built once.
do $$
begin
  if not exists (select 1 from report_pipeline_rollup) and exists (select 1 from candidates) then
    perform reports_rebuild();
  end if;
end $$;
