DROP INDEX "candidates_center_idx";--> statement-breakpoint
DROP INDEX "candidates_created_idx";--> statement-breakpoint
CREATE INDEX "candidates_center_idx" ON "candidates" USING btree ("training_center_id","created_at","id","name_search","full_name");--> statement-breakpoint
CREATE INDEX "candidates_created_idx" ON "candidates" USING btree ("created_at","id","name_search","full_name");