CREATE SEQUENCE "public"."candidate_code_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "candidate_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"candidate_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text DEFAULT ('KH-' || to_char(now(), 'YYYY') || '-' || regexp_replace(lpad(nextval('candidate_code_seq')::text, 12, '0'), '^0{0,6}', '')) NOT NULL,
	"full_name" text NOT NULL,
	"name_search" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"gender" text NOT NULL,
	"national_id" text,
	"phone" text,
	"home_province_code" text NOT NULL,
	"province_boundaries" text DEFAULT '2025' NOT NULL,
	"home_province_2025" text NOT NULL,
	"occupation_field" text NOT NULL,
	"jlpt_level" text,
	"consent_to_share" boolean DEFAULT false NOT NULL,
	"training_center_id" uuid NOT NULL,
	"status" text DEFAULT 'registered' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"anonymised_at" timestamp with time zone,
	CONSTRAINT "candidates_status_check" CHECK ("candidates"."status" in ('registered', 'training', 'ready', 'selected', 'departed', 'returned', 'reintegrated', 'withdrawn')),
	CONSTRAINT "candidates_gender_check" CHECK ("candidates"."gender" in ('male', 'female')),
	CONSTRAINT "candidates_boundaries_check" CHECK ("candidates"."province_boundaries" in ('2008', '2025')),
	CONSTRAINT "candidates_jlpt_check" CHECK ("candidates"."jlpt_level" is null or "candidates"."jlpt_level" in ('N5', 'N4', 'N3', 'N2', 'N1')),
	CONSTRAINT "candidates_version_check" CHECK ("candidates"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "job_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"prefecture_code" text NOT NULL,
	"municipality" text,
	"employer_name" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"headcount" integer NOT NULL,
	"min_jlpt" text,
	"gender" text,
	"age_min" integer,
	"age_max" integer,
	"interview_on" date,
	"departure_by" date,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_orders_headcount_check" CHECK ("job_orders"."headcount" >= 1),
	CONSTRAINT "job_orders_age_check" CHECK ("job_orders"."age_min" is null or "job_orders"."age_max" is null or "job_orders"."age_min" <= "job_orders"."age_max"),
	CONSTRAINT "job_orders_status_check" CHECK ("job_orders"."status" in ('open', 'filled', 'closed')),
	CONSTRAINT "job_orders_gender_check" CHECK ("job_orders"."gender" is null or "job_orders"."gender" in ('male', 'female'))
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"serial" text NOT NULL,
	"verify_code" text NOT NULL,
	"type" text NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"training_center_id" uuid NOT NULL,
	"issued_on" date NOT NULL,
	"holder_name" text NOT NULL,
	"holder_birth_date" date NOT NULL,
	"course_name" text NOT NULL,
	"course_kind" text NOT NULL,
	"course_hours" integer NOT NULL,
	"course_starts_on" date NOT NULL,
	"course_ends_on" date NOT NULL,
	"score" numeric(6, 2),
	"jlpt_level" text,
	"issued_by" uuid,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_type_check" CHECK ("certificates"."type" in ('training_completion', 'orientation')),
	CONSTRAINT "certificates_course_kind_check" CHECK ("certificates"."course_kind" in ('language', 'vocational', 'orientation'))
);
--> statement-breakpoint
CREATE TABLE "serial_counters" (
	"training_center_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "serial_counters_training_center_id_year_pk" PRIMARY KEY("training_center_id","year")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"threshold_days" integer NOT NULL,
	"due_on" date NOT NULL,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"candidate_id" uuid,
	"candidate_code" text,
	"placement_id" uuid,
	"job_order_id" uuid,
	"training_center_id" uuid,
	"province_code_2025" text,
	"partner_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"raised_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"close_note" text,
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('open', 'closed')),
	CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('contract_ending', 'departure_without_orientation', 'interview_without_selection', 'ready_too_long'))
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_name" text NOT NULL,
	"trigger" text NOT NULL,
	"scheduled_for" timestamp with time zone,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb,
	"error" text,
	"instance" text NOT NULL,
	"actor_id" uuid,
	CONSTRAINT "job_runs_status_check" CHECK ("job_runs"."status" in ('running', 'succeeded', 'failed', 'skipped')),
	CONSTRAINT "job_runs_trigger_check" CHECK ("job_runs"."trigger" in ('scheduled', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"province_code" text NOT NULL,
	"province_boundaries" text DEFAULT '2025' NOT NULL,
	"province_2025" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"signed_on" date NOT NULL,
	"fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"title" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agreements_kind_check" CHECK ("agreements"."kind" in ('mou', 'joint_declaration', 'friendship')),
	CONSTRAINT "agreements_boundaries_check" CHECK ("agreements"."province_boundaries" in ('2008', '2025'))
);
--> statement-breakpoint
CREATE TABLE "home_employers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"province_code" text NOT NULL,
	"industrial_park" text,
	"sector" text NOT NULL,
	"investor_country" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "home_employers_investor_country_check" CHECK ("home_employers"."investor_country" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"name_ja" text,
	"kind" text NOT NULL,
	"prefecture_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partners_kind_check" CHECK ("partners"."kind" in ('prefecture', 'municipality', 'supervising_org', 'employer', 'support_org', 'agency'))
);
--> statement-breakpoint
CREATE TABLE "training_centers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"province_code" text NOT NULL,
	"license_no" text,
	"serial_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_centers_serial_prefix_check" CHECK ("training_centers"."serial_prefix" ~ '^[A-Z]{2,6}$')
);
--> statement-breakpoint
CREATE TABLE "placements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"job_order_id" uuid,
	"destination_country" text NOT NULL,
	"prefecture_code" text,
	"municipality" text,
	"employer_name" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"contract_start" date,
	"contract_end" date,
	"status" text DEFAULT 'planned' NOT NULL,
	"departed_on" date,
	"returned_on" date,
	"return_reason" text,
	"cancel_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placements_status_check" CHECK ("placements"."status" in ('planned', 'departed', 'returned', 'cancelled')),
	CONSTRAINT "placements_return_reason_check" CHECK ("placements"."return_reason" is null or "placements"."return_reason" in ('completed', 'early_termination', 'other')),
	CONSTRAINT "placements_contract_check" CHECK ("placements"."contract_end" is null or "placements"."contract_start" is null or "placements"."contract_end" >= "placements"."contract_start"),
	CONSTRAINT "placements_return_check" CHECK ("placements"."returned_on" is null or "placements"."returned_on" >= "placements"."departed_on"),
	CONSTRAINT "placements_jp_prefecture_check" CHECK ("placements"."destination_country" <> 'JP' or "placements"."prefecture_code" is not null)
);
--> statement-breakpoint
CREATE TABLE "reintegrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"placement_id" uuid,
	"home_employer_id" uuid NOT NULL,
	"started_on" date NOT NULL,
	"position" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jp_prefectures" (
	"code" text PRIMARY KEY NOT NULL,
	"name_ja" text NOT NULL,
	"name_en" text NOT NULL,
	"region" text NOT NULL,
	"region_ja" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vn_provinces" (
	"code" text NOT NULL,
	"boundaries" text NOT NULL,
	"name_vi" text NOT NULL,
	"name_en" text NOT NULL,
	"region" text,
	"unit_type" text NOT NULL,
	"code_2025" text NOT NULL,
	CONSTRAINT "vn_provinces_code_boundaries_pk" PRIMARY KEY("code","boundaries"),
	CONSTRAINT "vn_provinces_boundaries_check" CHECK ("vn_provinces"."boundaries" in ('2008', '2025'))
);
--> statement-breakpoint
CREATE TABLE "report_departure_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"province_code" text NOT NULL,
	"boundaries" text NOT NULL,
	"destination_country" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"gender" text NOT NULL,
	"departed" integer NOT NULL,
	CONSTRAINT "report_departure_rollup_pk" PRIMARY KEY("grain","period","province_code","boundaries","destination_country","program","field","gender"),
	CONSTRAINT "report_departure_rollup_grain_check" CHECK ("report_departure_rollup"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "report_departure_totals" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"province_code" text NOT NULL,
	"boundaries" text NOT NULL,
	"destination_country" text NOT NULL,
	"departed" integer NOT NULL,
	CONSTRAINT "report_departure_totals_pk" PRIMARY KEY("grain","period","province_code","boundaries","destination_country"),
	CONSTRAINT "report_departure_totals_grain_check" CHECK ("report_departure_totals"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "report_pipeline_rollup" (
	"province_2025" text NOT NULL,
	"training_center_id" uuid NOT NULL,
	"status" text NOT NULL,
	"candidates" integer NOT NULL,
	CONSTRAINT "report_pipeline_rollup_pk" PRIMARY KEY("province_2025","training_center_id","status")
);
--> statement-breakpoint
CREATE TABLE "report_placement_facts" (
	"placement_id" uuid PRIMARY KEY NOT NULL,
	"candidate_id" uuid NOT NULL,
	"departed_on" date NOT NULL,
	"returned_on" date,
	"province_code" text NOT NULL,
	"boundaries" text NOT NULL,
	"destination_country" text NOT NULL,
	"prefecture_code" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"gender" text NOT NULL,
	"reintegrated" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_prefecture_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"prefecture_code" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"gender" text NOT NULL,
	"departed" integer NOT NULL,
	CONSTRAINT "report_prefecture_rollup_pk" PRIMARY KEY("grain","period","prefecture_code","program","field","gender"),
	CONSTRAINT "report_prefecture_rollup_grain_check" CHECK ("report_prefecture_rollup"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "report_prefecture_totals" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"prefecture_code" text NOT NULL,
	"departed" integer NOT NULL,
	CONSTRAINT "report_prefecture_totals_pk" PRIMARY KEY("grain","period","prefecture_code"),
	CONSTRAINT "report_prefecture_totals_grain_check" CHECK ("report_prefecture_totals"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "report_return_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"province_code" text NOT NULL,
	"boundaries" text NOT NULL,
	"destination_country" text NOT NULL,
	"program" text NOT NULL,
	"field" text NOT NULL,
	"gender" text NOT NULL,
	"returned" integer NOT NULL,
	"reintegrated" integer NOT NULL,
	CONSTRAINT "report_return_rollup_pk" PRIMARY KEY("grain","period","province_code","boundaries","destination_country","program","field","gender"),
	CONSTRAINT "report_return_rollup_grain_check" CHECK ("report_return_rollup"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "report_return_totals" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"province_code" text NOT NULL,
	"boundaries" text NOT NULL,
	"destination_country" text NOT NULL,
	"returned" integer NOT NULL,
	"reintegrated" integer NOT NULL,
	CONSTRAINT "report_return_totals_pk" PRIMARY KEY("grain","period","province_code","boundaries","destination_country"),
	CONSTRAINT "report_return_totals_grain_check" CHECK ("report_return_totals"."grain" in ('month', 'year'))
);
--> statement-breakpoint
CREATE TABLE "courses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"training_center_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"hours" integer NOT NULL,
	"capacity" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "courses_kind_check" CHECK ("courses"."kind" in ('language', 'vocational', 'orientation')),
	CONSTRAINT "courses_dates_check" CHECK ("courses"."ends_on" >= "courses"."starts_on"),
	CONSTRAINT "courses_hours_check" CHECK ("courses"."hours" > 0),
	CONSTRAINT "courses_capacity_check" CHECK ("courses"."capacity" is null or "courses"."capacity" > 0)
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"outcome" text,
	"score" numeric(6, 2),
	"jlpt_level" text,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"result_at" timestamp with time zone,
	CONSTRAINT "enrollments_outcome_check" CHECK ("enrollments"."outcome" is null or "enrollments"."outcome" in ('passed', 'failed', 'withdrawn')),
	CONSTRAINT "enrollments_score_check" CHECK ("enrollments"."score" is null or ("enrollments"."score" >= 0 and "enrollments"."score" <= 100)),
	CONSTRAINT "enrollments_jlpt_check" CHECK ("enrollments"."jlpt_level" is null or "enrollments"."jlpt_level" in ('N5', 'N4', 'N3', 'N2', 'N1'))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"training_center_id" uuid,
	"province_code" text,
	"partner_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('admin', 'center', 'province', 'partner')),
	CONSTRAINT "users_scope_check" CHECK (("users"."role" = 'admin' and "users"."training_center_id" is null and "users"."province_code" is null and "users"."partner_id" is null)
       or ("users"."role" = 'center' and "users"."training_center_id" is not null and "users"."province_code" is null and "users"."partner_id" is null)
       or ("users"."role" = 'province' and "users"."province_code" is not null and "users"."training_center_id" is null and "users"."partner_id" is null)
       or ("users"."role" = 'partner' and "users"."partner_id" is not null and "users"."training_center_id" is null and "users"."province_code" is null))
);
--> statement-breakpoint
ALTER TABLE "candidate_status_history" ADD CONSTRAINT "candidate_status_history_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_orders" ADD CONSTRAINT "job_orders_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "serial_counters" ADD CONSTRAINT "serial_counters_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_job_order_id_job_orders_id_fk" FOREIGN KEY ("job_order_id") REFERENCES "public"."job_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reintegrations" ADD CONSTRAINT "reintegrations_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reintegrations" ADD CONSTRAINT "reintegrations_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reintegrations" ADD CONSTRAINT "reintegrations_home_employer_id_home_employers_id_fk" FOREIGN KEY ("home_employer_id") REFERENCES "public"."home_employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses" ADD CONSTRAINT "courses_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id","id");--> statement-breakpoint
CREATE INDEX "candidate_status_history_candidate_idx" ON "candidate_status_history" USING btree ("candidate_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_code_unique" ON "candidates" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_national_id_unique" ON "candidates" USING btree ("national_id");--> statement-breakpoint
CREATE INDEX "candidates_center_idx" ON "candidates" USING btree ("training_center_id","created_at","id");--> statement-breakpoint
CREATE INDEX "candidates_province_created_idx" ON "candidates" USING btree ("home_province_2025","created_at","id");--> statement-breakpoint
CREATE INDEX "candidates_created_idx" ON "candidates" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "candidates_province_idx" ON "candidates" USING btree ("home_province_2025","status");--> statement-breakpoint
CREATE INDEX "candidates_status_idx" ON "candidates" USING btree ("status","occupation_field");--> statement-breakpoint
CREATE INDEX "job_orders_partner_idx" ON "job_orders" USING btree ("partner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_serial_unique" ON "certificates" USING btree ("serial");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_enrollment_valid_unique" ON "certificates" USING btree ("enrollment_id") WHERE "certificates"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "certificates_candidate_idx" ON "certificates" USING btree ("candidate_id","created_at");--> statement-breakpoint
CREATE INDEX "certificates_center_idx" ON "certificates" USING btree ("training_center_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_once_unique" ON "alerts" USING btree ("kind","subject_id","threshold_days","due_on");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","raised_at","id");--> statement-breakpoint
CREATE INDEX "alerts_center_idx" ON "alerts" USING btree ("training_center_id","status","raised_at","id");--> statement-breakpoint
CREATE INDEX "alerts_province_idx" ON "alerts" USING btree ("province_code_2025","status","raised_at","id");--> statement-breakpoint
CREATE INDEX "alerts_partner_idx" ON "alerts" USING btree ("partner_id","status","raised_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_tick_unique" ON "job_runs" USING btree ("job_name","scheduled_for") WHERE "job_runs"."scheduled_for" is not null;--> statement-breakpoint
CREATE INDEX "job_runs_job_idx" ON "job_runs" USING btree ("job_name","id");--> statement-breakpoint
CREATE INDEX "agreements_province_idx" ON "agreements" USING btree ("province_2025","signed_on");--> statement-breakpoint
CREATE INDEX "agreements_partner_idx" ON "agreements" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "home_employers_province_idx" ON "home_employers" USING btree ("province_code","sector");--> statement-breakpoint
CREATE INDEX "training_centers_province_idx" ON "training_centers" USING btree ("province_code");--> statement-breakpoint
CREATE UNIQUE INDEX "placements_one_open_per_candidate" ON "placements" USING btree ("candidate_id") WHERE "placements"."status" in ('planned', 'departed');--> statement-breakpoint
CREATE INDEX "placements_candidate_idx" ON "placements" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "placements_job_order_idx" ON "placements" USING btree ("job_order_id");--> statement-breakpoint
CREATE INDEX "placements_departed_idx" ON "placements" USING btree ("departed_on");--> statement-breakpoint
CREATE INDEX "placements_returned_idx" ON "placements" USING btree ("returned_on");--> statement-breakpoint
CREATE INDEX "reintegrations_candidate_idx" ON "reintegrations" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "vn_provinces_code_2025_idx" ON "vn_provinces" USING btree ("code_2025");--> statement-breakpoint
CREATE INDEX "report_placement_facts_departed_idx" ON "report_placement_facts" USING btree ("departed_on","province_code","boundaries","destination_country","prefecture_code","program","field","gender");--> statement-breakpoint
CREATE INDEX "report_placement_facts_returned_idx" ON "report_placement_facts" USING btree ("returned_on","province_code","boundaries","destination_country","program","field","gender","reintegrated") WHERE "report_placement_facts"."returned_on" is not null;--> statement-breakpoint
CREATE INDEX "report_placement_facts_candidate_idx" ON "report_placement_facts" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "courses_center_idx" ON "courses" USING btree ("training_center_id","starts_on");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_course_candidate_unique" ON "enrollments" USING btree ("course_id","candidate_id");--> statement-breakpoint
CREATE INDEX "enrollments_candidate_idx" ON "enrollments" USING btree ("candidate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");