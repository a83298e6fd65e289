ALTER TABLE `runs` ADD `key_id` text;--> statement-breakpoint
CREATE INDEX `runs_status_created_idx` ON `runs` (`status`,`created_at`);