PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`run_id` text,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`targets` text NOT NULL,
	`created_at` text NOT NULL,
	`dispatched_at` text
);
--> statement-breakpoint
INSERT INTO `__new_webhook_events`("id", "tenant_id", "livemode", "run_id", "type", "payload", "targets", "created_at", "dispatched_at") SELECT "id", "tenant_id", "livemode", "run_id", "type", "payload", "targets", "created_at", "dispatched_at" FROM `webhook_events`;--> statement-breakpoint
DROP TABLE `webhook_events`;--> statement-breakpoint
ALTER TABLE `__new_webhook_events` RENAME TO `webhook_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `webhook_events_run_idx` ON `webhook_events` (`run_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_tenant_idx` ON `webhook_events` (`tenant_id`,`livemode`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_outbox_idx` ON `webhook_events` (`created_at`) WHERE "webhook_events"."dispatched_at" is null;--> statement-breakpoint
CREATE TABLE `__new_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`run_id` text,
	`alert_id` text,
	`subject_id` text,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`subject_hash` text,
	`opened_at` text NOT NULL,
	`due_at` text NOT NULL,
	`assignee` text,
	`proposal` text,
	`resolution` text,
	`version` integer DEFAULT 1 NOT NULL,
	`chain_head` text DEFAULT '' NOT NULL,
	`anchored_length` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_cases`("id", "tenant_id", "livemode", "run_id", "alert_id", "subject_id", "status", "reason", "subject_hash", "opened_at", "due_at", "assignee", "proposal", "resolution", "version", "chain_head", "anchored_length", "updated_at") SELECT "id", "tenant_id", "livemode", "run_id", "alert_id", "subject_id", "status", "reason", "subject_hash", "opened_at", "due_at", "assignee", "proposal", "resolution", "version", "chain_head", "anchored_length", "updated_at" FROM `cases`;--> statement-breakpoint
DROP TABLE `cases`;--> statement-breakpoint
ALTER TABLE `__new_cases` RENAME TO `cases`;--> statement-breakpoint
CREATE UNIQUE INDEX `cases_run_unique` ON `cases` (`run_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cases_alert_unique` ON `cases` (`alert_id`);--> statement-breakpoint
CREATE INDEX `cases_unanchored_idx` ON `cases` (`id`) WHERE "cases"."version" > "cases"."anchored_length";--> statement-breakpoint
CREATE INDEX `cases_list_idx` ON `cases` (`tenant_id`,`livemode`,`opened_at`,`id`);--> statement-breakpoint
CREATE INDEX `cases_status_due_idx` ON `cases` (`tenant_id`,`livemode`,`status`,`due_at`);