DROP INDEX `ideas_removed_idx`;--> statement-breakpoint
CREATE INDEX `ideas_removed_idx` ON `ideas` (`author_id`,`id`) WHERE deleted_at is not null or hidden_at is not null;--> statement-breakpoint
DROP INDEX `questions_removed_idx`;--> statement-breakpoint
CREATE INDEX `questions_removed_idx` ON `questions` (`author_id`,`id`) WHERE deleted_at is not null or hidden_at is not null;--> statement-breakpoint
CREATE INDEX `answers_removed_idx` ON `answers` (`author_id`,`id`) WHERE deleted_at is not null or hidden_at is not null;