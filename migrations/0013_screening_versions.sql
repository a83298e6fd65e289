CREATE TABLE `screening_record_documents` (
	`record_hash` text NOT NULL,
	`list_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`country` text
);
--> statement-breakpoint
CREATE INDEX `screening_record_documents_lookup_idx` ON `screening_record_documents` (`kind`,`value`);--> statement-breakpoint
CREATE INDEX `screening_record_documents_record_idx` ON `screening_record_documents` (`record_hash`);--> statement-breakpoint
CREATE TABLE `screening_record_names` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_hash` text NOT NULL,
	`list_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`name` text NOT NULL,
	`norm` text NOT NULL,
	`weak` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `screening_record_names_record_idx` ON `screening_record_names` (`record_hash`);--> statement-breakpoint
CREATE TABLE `screening_records` (
	`record_hash` text PRIMARY KEY NOT NULL,
	`list_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`name_count` integer NOT NULL,
	`names_version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `screening_version_changes` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`previous_sha256` text NOT NULL,
	`entity_id` text NOT NULL,
	`change` text NOT NULL,
	`record_hash` text,
	`previous_record_hash` text,
	PRIMARY KEY(`list_id`, `sha256`, `previous_sha256`, `entity_id`)
);
--> statement-breakpoint
CREATE TABLE `screening_version_members` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`entity_id` text NOT NULL,
	`record_hash` text NOT NULL,
	PRIMARY KEY(`list_id`, `sha256`, `entity_id`)
);
--> statement-breakpoint
CREATE INDEX `screening_version_members_record_idx` ON `screening_version_members` (`record_hash`,`sha256`);--> statement-breakpoint
CREATE TABLE `screening_versions` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`fetched_at` text NOT NULL,
	`published_at` text,
	`entities` integer DEFAULT 0 NOT NULL,
	`names` integer DEFAULT 0 NOT NULL,
	`previous_sha256` text,
	`added` integer DEFAULT 0 NOT NULL,
	`modified` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`became_current_at` text,
	`superseded_at` text,
	`retired_at` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`list_id`, `sha256`)
);
