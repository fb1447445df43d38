CREATE TABLE `inbound_hook_messages` (
	`hook_id` integer NOT NULL,
	`message_id` text NOT NULL,
	`received_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`hook_id`, `message_id`),
	FOREIGN KEY (`hook_id`) REFERENCES `inbound_hooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbound_hook_messages_received_idx` ON `inbound_hook_messages` (`received_at`);--> statement-breakpoint
CREATE TABLE `inbound_hooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`secret` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "inbound_hooks_name_length" CHECK(length("inbound_hooks"."name") between 1 and 80)
);
--> statement-breakpoint
CREATE INDEX `inbound_hooks_created_idx` ON `inbound_hooks` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `idea_links_url_idx` ON `idea_links` (`url`,`id`);