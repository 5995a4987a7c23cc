ALTER TABLE "destinations" ADD COLUMN "concurrency" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "max_requests_per_second" integer;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "next_slot_at" timestamp with time zone;