CREATE TABLE "selection_cancellations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"placement_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"actor_id" uuid,
	"after_read" boolean DEFAULT false NOT NULL,
	"cancelled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_kind_check";--> statement-breakpoint
ALTER TABLE "candidates" ADD COLUMN "pool_code" text DEFAULT ('P-' || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1)) NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_cancellations" ADD CONSTRAINT "selection_cancellations_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "selection_cancellations_partner_idx" ON "selection_cancellations" USING btree ("partner_id","cancelled_at");--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_pool_code_unique" ON "candidates" USING btree ("pool_code");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('contract_ending', 'departure_without_orientation', 'interview_without_selection', 'ready_too_long', 'partner_cancellations', 'selection_cancelled_after_read'));