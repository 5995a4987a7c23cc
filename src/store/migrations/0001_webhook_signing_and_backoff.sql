ALTER TABLE "destinations" ADD COLUMN "retry_backoff" text DEFAULT 'fixed' NOT NULL;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "signing_secret" text;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "previous_signing_secret" text;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;