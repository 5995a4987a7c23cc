CREATE TABLE "record_blocks" (
	"upload_id" uuid NOT NULL,
	"block" integer NOT NULL,
	"first_row" integer NOT NULL,
	"row_count" integer NOT NULL,
	"lines" text NOT NULL,
	"errors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deleted" integer[] DEFAULT '{}'::int[] NOT NULL,
	"valid_count" integer NOT NULL,
	"invalid_count" integer NOT NULL,
	CONSTRAINT "record_blocks_upload_id_block_pk" PRIMARY KEY("upload_id","block")
);
--> statement-breakpoint
CREATE TABLE "upload_file_parts" (
	"upload_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "upload_file_parts_upload_id_part_pk" PRIMARY KEY("upload_id","part")
);
--> statement-breakpoint
DROP TABLE "records" CASCADE;--> statement-breakpoint
ALTER TABLE "record_blocks" ADD CONSTRAINT "record_blocks_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_file_parts" ADD CONSTRAINT "upload_file_parts_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;