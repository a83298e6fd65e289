CREATE TABLE `monitored_subjects` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`doc_type` text NOT NULL,
	`doc_hash` text,
	`doc_masked` text NOT NULL,
	`cpf_visible` text,
	`cnpj` text,
	`cnpj_root` text,
	`name` text NOT NULL,
	`birth_date` text,
	`nationality` text,
	`gender` text,
	`external_id` text,
	`lists` text,
	`status` text NOT NULL,
	`bucket` integer NOT NULL,
	`origin` text NOT NULL,
	`origin_id` text,
	`screened_versions` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`last_screened_at` text,
	`stopped_at` text,
	`erase_after` text,
	`erased_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitored_subjects_doc_unique` ON `monitored_subjects` (`tenant_id`,`livemode`,`doc_hash`);--> statement-breakpoint
CREATE INDEX `monitored_subjects_list_idx` ON `monitored_subjects` (`tenant_id`,`livemode`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `monitored_subjects_external_idx` ON `monitored_subjects` (`tenant_id`,`livemode`,`external_id`);--> statement-breakpoint
CREATE INDEX `monitored_subjects_origin_idx` ON `monitored_subjects` (`origin_id`);--> statement-breakpoint
CREATE INDEX `monitored_subjects_bucket_idx` ON `monitored_subjects` (`bucket`,`id`) WHERE "monitored_subjects"."status" = 'active';--> statement-breakpoint
CREATE INDEX `monitored_subjects_hash_idx` ON `monitored_subjects` (`doc_hash`) WHERE "monitored_subjects"."status" = 'active';--> statement-breakpoint
CREATE INDEX `monitored_subjects_visible_idx` ON `monitored_subjects` (`cpf_visible`) WHERE "monitored_subjects"."status" = 'active';--> statement-breakpoint
CREATE INDEX `monitored_subjects_root_idx` ON `monitored_subjects` (`cnpj_root`) WHERE "monitored_subjects"."status" = 'active';--> statement-breakpoint
CREATE INDEX `monitored_subjects_unscreened_idx` ON `monitored_subjects` (`updated_at`) WHERE "monitored_subjects"."status" = 'active' and "monitored_subjects"."screened_versions" is null;--> statement-breakpoint
CREATE INDEX `monitored_subjects_erase_idx` ON `monitored_subjects` (`erase_after`) WHERE "monitored_subjects"."erased_at" is null and "monitored_subjects"."erase_after" is not null;--> statement-breakpoint
CREATE TABLE `monitoring_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`subject_id` text NOT NULL,
	`kind` text NOT NULL,
	`list_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`record_hash` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`entity_name` text NOT NULL,
	`matched_name` text NOT NULL,
	`score` real,
	`strength` text,
	`reasons` text NOT NULL,
	`ends_on` text,
	`list_sha256` text NOT NULL,
	`list_fetched_at` text NOT NULL,
	`status` text NOT NULL,
	`closed_at` text,
	`closed_by` text,
	`case_id` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_alerts_dedupe_unique` ON `monitoring_alerts` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `monitoring_alerts_list_idx` ON `monitoring_alerts` (`tenant_id`,`livemode`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `monitoring_alerts_subject_idx` ON `monitoring_alerts` (`subject_id`,`status`);--> statement-breakpoint
CREATE INDEX `monitoring_alerts_entity_idx` ON `monitoring_alerts` (`list_id`,`entity_id`,`status`);--> statement-breakpoint
CREATE INDEX `monitoring_alerts_ends_idx` ON `monitoring_alerts` (`ends_on`) WHERE "monitoring_alerts"."status" = 'open' and "monitoring_alerts"."ends_on" is not null;--> statement-breakpoint
CREATE TABLE `monitoring_batches` (
	`job_id` text NOT NULL,
	`batch` text NOT NULL,
	`subjects` integer NOT NULL,
	`skipped` integer NOT NULL,
	`alerts` integer NOT NULL,
	`done_at` text NOT NULL,
	PRIMARY KEY(`job_id`, `batch`)
);
--> statement-breakpoint
CREATE TABLE `monitoring_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`status` text NOT NULL,
	`object_key` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`encoding` text NOT NULL,
	`delimiter` text NOT NULL,
	`columns` text NOT NULL,
	`rows_total` integer NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_rejected` integer DEFAULT 0 NOT NULL,
	`rows_enrolled` integer DEFAULT 0 NOT NULL,
	`checkpoint` integer NOT NULL,
	`checkpoint_line` integer NOT NULL,
	`error` text,
	`key_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text
);
--> statement-breakpoint
CREATE INDEX `monitoring_imports_list_idx` ON `monitoring_imports` (`tenant_id`,`livemode`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `monitoring_imports_stalled_idx` ON `monitoring_imports` (`updated_at`) WHERE "monitoring_imports"."status" = 'processing';--> statement-breakpoint
CREATE TABLE `monitoring_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `monitoring_outbox_created_idx` ON `monitoring_outbox` (`created_at`);--> statement-breakpoint
CREATE TABLE `monitoring_rescreens` (
	`id` text PRIMARY KEY NOT NULL,
	`list_id` text NOT NULL,
	`sha256` text NOT NULL,
	`previous_sha256` text,
	`status` text NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`modified` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`batches` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`planned_at` text,
	`completed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_rescreens_version_unique` ON `monitoring_rescreens` (`list_id`,`sha256`,`previous_sha256`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `monitoring_retention_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `alert_id` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `subject_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `cases_alert_unique` ON `cases` (`alert_id`);--> statement-breakpoint
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