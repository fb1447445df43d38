DROP INDEX `reputation_events_user_idx`;--> statement-breakpoint
DROP INDEX `reputation_events_time_idx`;--> statement-breakpoint
CREATE INDEX `reputation_events_member_idx` ON `reputation_events` (`user_id`,`created_at`,`id`,`delta`,`is_capped`);