CREATE TABLE `screening_documents` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`country` text,
	`entity_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `screening_documents_lookup_idx` ON `screening_documents` (`kind`,`value`);--> statement-breakpoint
CREATE INDEX `screening_documents_version_idx` ON `screening_documents` (`list_id`,`sha256`,`entity_id`);--> statement-breakpoint
CREATE TABLE `screening_entities` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`entity_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`record_hash` text NOT NULL,
	PRIMARY KEY(`list_id`, `sha256`, `entity_id`)
);
--> statement-breakpoint
CREATE TABLE `screening_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'empty' NOT NULL,
	`source_url` text,
	`current_sha256` text,
	`current_fetched_at` text,
	`current_entities` integer,
	`current_names` integer,
	`loading_since` text,
	`last_error_at` text,
	`last_error_message` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `screening_names` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`entity_id` text NOT NULL,
	`name` text NOT NULL,
	`norm` text NOT NULL,
	`weak` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `screening_names_version_idx` ON `screening_names` (`list_id`,`sha256`,`entity_id`);