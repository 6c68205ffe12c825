DROP INDEX "candidates_name_search_trgm_idx";--> statement-breakpoint
CREATE INDEX "candidates_name_words_trgm_idx" ON "candidates" USING gin ((' ' || "name_search" || ' ') gin_trgm_ops);