CREATE TABLE "candidate_photos" (
	"candidate_id" uuid PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "candidate_photos_type_check" CHECK ("candidate_photos"."content_type" in ('image/jpeg', 'image/png'))
);
--> statement-breakpoint
CREATE TABLE "letter_serial_counters" (
	"training_center_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "letter_serial_counters_training_center_id_year_pk" PRIMARY KEY("training_center_id","year")
);
--> statement-breakpoint
CREATE TABLE "placement_letters" (
	"placement_id" uuid PRIMARY KEY NOT NULL,
	"serial" text NOT NULL,
	"training_center_id" uuid NOT NULL,
	"first_printed_on" date NOT NULL,
	"first_printed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "grievances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"placement_id" uuid,
	"partner_id" uuid,
	"category" text NOT NULL,
	"description" text NOT NULL,
	"received_via" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"ack_due" timestamp with time zone NOT NULL,
	"resolve_due" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grievances_category_check" CHECK ("grievances"."category" in ('wage_unpaid', 'overtime', 'abuse', 'housing', 'contract_change', 'fees', 'other')),
	CONSTRAINT "grievances_status_check" CHECK ("grievances"."status" in ('open', 'acknowledged', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "placement_fees" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"placement_id" uuid NOT NULL,
	"category" text NOT NULL,
	"payer" text NOT NULL,
	"payee" text DEFAULT 'sending' NOT NULL,
	"amount" numeric(16, 2) NOT NULL,
	"currency" text NOT NULL,
	"rate_to_jpy" numeric(16, 8) NOT NULL,
	"amount_jpy" integer NOT NULL,
	"paid_on" date NOT NULL,
	"receipt_no" text,
	"source" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placement_fees_category_check" CHECK ("placement_fees"."category" in ('service_fee', 'brokerage', 'training', 'deposit', 'travel', 'medical', 'visa', 'other')),
	CONSTRAINT "placement_fees_payer_check" CHECK ("placement_fees"."payer" in ('worker', 'employer', 'other')),
	CONSTRAINT "placement_fees_payee_check" CHECK ("placement_fees"."payee" in ('sending', 'receiving', 'other')),
	CONSTRAINT "placement_fees_currency_check" CHECK ("placement_fees"."currency" in ('VND', 'JPY', 'USD')),
	CONSTRAINT "placement_fees_source_check" CHECK ("placement_fees"."source" in ('receipt', 'worker_declared')),
	CONSTRAINT "placement_fees_amount_check" CHECK ("placement_fees"."amount" > 0 and "placement_fees"."rate_to_jpy" > 0 and "placement_fees"."amount_jpy" >= 0)
);
--> statement-breakpoint
CREATE TABLE "placement_transfers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"placement_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"requested_on" date NOT NULL,
	"route" text NOT NULL,
	"previous_employer_name" text NOT NULL,
	"previous_prefecture_code" text,
	"new_employer_name" text NOT NULL,
	"new_prefecture_code" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placement_transfers_kind_check" CHECK ("placement_transfers"."kind" in ('own_choice', 'unavoidable')),
	CONSTRAINT "placement_transfers_route_check" CHECK ("placement_transfers"."route" in ('supervising_org', 'hello_work', 'esd_agency'))
);
--> statement-breakpoint
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_kind_check";--> statement-breakpoint
ALTER TABLE "candidates" ADD COLUMN "full_name_kana" text;--> statement-breakpoint
ALTER TABLE "candidates" ADD COLUMN "motivation" text;--> statement-breakpoint
ALTER TABLE "candidates" ADD COLUMN "education" jsonb;--> statement-breakpoint
ALTER TABLE "training_centers" ADD COLUMN "director_name" text;--> statement-breakpoint
ALTER TABLE "candidate_photos" ADD CONSTRAINT "candidate_photos_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_serial_counters" ADD CONSTRAINT "letter_serial_counters_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_letters" ADD CONSTRAINT "placement_letters_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_letters" ADD CONSTRAINT "placement_letters_training_center_id_training_centers_id_fk" FOREIGN KEY ("training_center_id") REFERENCES "public"."training_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grievances" ADD CONSTRAINT "grievances_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grievances" ADD CONSTRAINT "grievances_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_fees" ADD CONSTRAINT "placement_fees_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_transfers" ADD CONSTRAINT "placement_transfers_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "placement_letters_serial_unique" ON "placement_letters" USING btree ("serial");--> statement-breakpoint
CREATE INDEX "grievances_received_idx" ON "grievances" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "grievances_candidate_idx" ON "grievances" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "grievances_partner_idx" ON "grievances" USING btree ("partner_id","received_at","id");--> statement-breakpoint
CREATE INDEX "grievances_open_idx" ON "grievances" USING btree ("status","resolve_due") WHERE "grievances"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "placement_fees_placement_idx" ON "placement_fees" USING btree ("placement_id","created_at","id");--> statement-breakpoint
CREATE INDEX "placement_transfers_placement_idx" ON "placement_transfers" USING btree ("placement_id","created_at","id");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('contract_ending', 'departure_without_orientation', 'interview_without_selection', 'ready_too_long', 'residence_card_expiring', 'partner_cancellations', 'selection_cancelled_after_read', 'fee_over_cap', 'grievance_overdue'));