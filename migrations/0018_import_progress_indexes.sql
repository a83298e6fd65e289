DROP INDEX `monitored_subjects_origin_idx`;--> statement-breakpoint
CREATE INDEX `monitored_subjects_origin_pending_idx` ON `monitored_subjects` (`origin_id`) WHERE "monitored_subjects"."status" = 'active' and "monitored_subjects"."screened_versions" is null;--> statement-breakpoint
CREATE INDEX `monitored_subjects_origin_idx` ON `monitored_subjects` (`origin_id`,`created_at`);