ALTER TABLE "alerts" DROP CONSTRAINT "alerts_kind_check";--> statement-breakpoint
ALTER TABLE "job_orders" ADD COLUMN "close_reason" text;--> statement-breakpoint
ALTER TABLE "job_orders" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "monthly_wage_jpy" integer;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "employer_name_latin" text;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "employer_address" text;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "supervising_org" text;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "residence_card_no" text;--> statement-breakpoint
ALTER TABLE "placements" ADD COLUMN "residence_card_expires_on" date;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('contract_ending', 'departure_without_orientation', 'interview_without_selection', 'ready_too_long', 'residence_card_expiring', 'partner_cancellations', 'selection_cancelled_after_read'));--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_wage_check" CHECK ("placements"."monthly_wage_jpy" is null or "placements"."monthly_wage_jpy" > 0);