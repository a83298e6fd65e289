CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`environment` text NOT NULL,
	`scopes` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`rate_limit_per_minute` integer,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant_idx` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`credits` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_slug_unique` ON `tenants` (`slug`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`subject_type` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text NOT NULL,
	`created_at` text NOT NULL,
	`published_at` text,
	PRIMARY KEY(`id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`run_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_run_unique` ON `idempotency_keys` (`run_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`template_id` text NOT NULL,
	`template_version` integer NOT NULL,
	`subject_type` text NOT NULL,
	`document_masked` text NOT NULL,
	`status` text NOT NULL,
	`decision` text,
	`operative_decision` text,
	`risk_band` text,
	`external_id` text,
	`metadata` text NOT NULL,
	`webhook_url` text,
	`parent_run_id` text,
	`credits_reserved` integer DEFAULT 0 NOT NULL,
	`credits_used` integer DEFAULT 0 NOT NULL,
	`credits_settled` integer DEFAULT false NOT NULL,
	`estimated_seconds` integer NOT NULL,
	`result` text,
	`created_at` text NOT NULL,
	`started_at` text,
	`completed_at` text
);
--> statement-breakpoint
CREATE INDEX `runs_list_idx` ON `runs` (`tenant_id`,`livemode`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_external_id_idx` ON `runs` (`tenant_id`,`livemode`,`external_id`);--> statement-breakpoint
CREATE INDEX `runs_parent_idx` ON `runs` (`parent_run_id`);