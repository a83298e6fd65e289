CREATE TABLE `version_delta_entities` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`entity_id` text NOT NULL,
	`record_hash` text NOT NULL,
	PRIMARY KEY(`list_id`, `sha256`, `entity_id`)
);
--> statement-breakpoint
CREATE TABLE `version_delta_log` (
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`previous_sha256` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`list_id`, `sha256`)
);
