CREATE TABLE `case_events` (
	`case_id` text NOT NULL,
	`seq` integer NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`case_id`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_events_id_unique` ON `case_events` (`id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`run_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`subject_hash` text,
	`opened_at` text NOT NULL,
	`due_at` text NOT NULL,
	`assignee` text,
	`proposal` text,
	`resolution` text,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_run_unique` ON `cases` (`run_id`);--> statement-breakpoint
CREATE INDEX `cases_list_idx` ON `cases` (`tenant_id`,`livemode`,`opened_at`,`id`);--> statement-breakpoint
CREATE INDEX `cases_status_due_idx` ON `cases` (`tenant_id`,`livemode`,`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `false_positives` (
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`subject_hash` text NOT NULL,
	`source` text NOT NULL,
	`list` text NOT NULL,
	`entity_key` text NOT NULL,
	`record_hash` text NOT NULL,
	`case_id` text NOT NULL,
	`resolved_by` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `livemode`, `subject_hash`, `source`, `list`, `entity_key`)
);
--> statement-breakpoint
ALTER TABLE `tenants` ADD `case_sla_hours` integer DEFAULT 48 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `case_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `final_decision` text;