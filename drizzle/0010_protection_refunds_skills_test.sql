CREATE TABLE "placement_early_returns" (
	"placement_id" uuid PRIMARY KEY NOT NULL,
	"worker_at_fault" boolean NOT NULL,
	"reason" text NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "placement_fees" ADD COLUMN "direction" text DEFAULT 'paid' NOT NULL;--> statement-breakpoint
ALTER TABLE "placement_transfers" ADD COLUMN "skills_test_passed_on" date;--> statement-breakpoint
ALTER TABLE "placement_early_returns" ADD CONSTRAINT "placement_early_returns_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "public"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_fees" ADD CONSTRAINT "placement_fees_direction_check" CHECK ("placement_fees"."direction" in ('paid', 'refunded'));