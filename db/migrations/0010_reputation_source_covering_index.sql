DROP INDEX `reputation_events_source_idx`;--> statement-breakpoint
CREATE INDEX `reputation_events_source_idx` ON `reputation_events` (`source_type`,`source_id`,`reason`,`actor_id`,`id`,`delta`);