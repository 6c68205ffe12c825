CREATE INDEX "candidates_key_words_idx" ON "candidates" USING gin (string_to_array("name_search", ' '));--> statement-breakpoint
CREATE INDEX "candidates_name_words_idx" ON "candidates" USING gin (string_to_array("full_name", ' '));--> statement-breakpoint
CREATE INDEX "candidates_code_trgm_idx" ON "candidates" USING gin ("code" gin_trgm_ops);