CREATE TABLE `audit_anchor_chains` (
	`case_id` text NOT NULL,
	`anchor_id` text NOT NULL,
	`length` integer NOT NULL,
	PRIMARY KEY(`case_id`, `anchor_id`)
);
--> statement-breakpoint
CREATE TABLE `audit_anchors` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`sha256` text NOT NULL,
	`chains` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `dispatched_at` text;--> statement-breakpoint
CREATE INDEX `webhook_events_outbox_idx` ON `webhook_events` (`created_at`) WHERE "webhook_events"."dispatched_at" is null;--> statement-breakpoint
ALTER TABLE `case_events` ADD `via` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `key_id` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `user_id` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `hash_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `chain_head` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `anchored_length` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `cases_unanchored_idx` ON `cases` (`id`) WHERE "cases"."version" > "cases"."anchored_length";