CREATE TABLE `registry_builds` (
	`id` text PRIMARY KEY NOT NULL,
	`month` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`prefix` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`published_at` text,
	`extraction_date` text,
	`companies` integer,
	`establishments` integer,
	`partners` integer,
	`blocks` integer,
	`block_bytes` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `registry_builds_published` ON `registry_builds` (`published_at`);--> statement-breakpoint
CREATE INDEX `registry_builds_started` ON `registry_builds` (`started_at`);