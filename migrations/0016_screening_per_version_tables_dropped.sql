DROP TABLE `screening_documents`;--> statement-breakpoint
DROP TABLE `screening_entities`;--> statement-breakpoint
DROP TABLE `screening_names`;