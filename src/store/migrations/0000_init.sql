CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "chunks" (
	"upload_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"first_row" integer NOT NULL,
	"last_row" integer NOT NULL,
	"record_count" integer NOT NULL,
	"webhook_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chunks_upload_id_page_pk" PRIMARY KEY("upload_id","page")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"upload_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"error" text,
	"response_excerpt" text
);
--> statement-breakpoint
CREATE TABLE "destinations" (
	"template_id" uuid PRIMARY KEY NOT NULL,
	"callback_url" text NOT NULL,
	"chunk_size" integer NOT NULL,
	"auth_header_name" text,
	"retry_count" integer NOT NULL,
	"retry_interval_ms" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"upload_id" uuid NOT NULL,
	"row_index" integer NOT NULL,
	"valid" boolean NOT NULL,
	"data" json NOT NULL,
	"errors" jsonb,
	CONSTRAINT "records_upload_id_row_index_pk" PRIMARY KEY("upload_id","row_index")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"columns" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"template_id" uuid,
	"template_code" text NOT NULL,
	"columns" jsonb NOT NULL,
	"status" text NOT NULL,
	"file_name" text,
	"file_format" text NOT NULL,
	"file_bytes" bigint NOT NULL,
	"file_sniff" jsonb NOT NULL,
	"header_row" integer DEFAULT 0 NOT NULL,
	"mapping" jsonb,
	"auto_confirm" boolean DEFAULT true NOT NULL,
	"auth_header_value" text,
	"extra_json" text DEFAULT 'null' NOT NULL,
	"chunk_size" integer,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"valid_records" integer DEFAULT 0 NOT NULL,
	"invalid_records" integer DEFAULT 0 NOT NULL,
	"total_pages" integer DEFAULT 0 NOT NULL,
	"error" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "templates" ADD CONSTRAINT "templates_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chunks_pending" ON "chunks" USING btree ("upload_id","page") WHERE "chunks"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "delivery_attempts_upload_page" ON "delivery_attempts" USING btree ("upload_id","page","id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_one_default" ON "projects" USING btree ("is_default") WHERE "projects"."is_default";--> statement-breakpoint
CREATE UNIQUE INDEX "templates_project_code" ON "templates" USING btree ("project_id","code");--> statement-breakpoint
CREATE INDEX "uploads_project_created" ON "uploads" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "uploads_working" ON "uploads" USING btree ("status") WHERE "uploads"."status" IN ('ingesting', 'delivering');