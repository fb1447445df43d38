CREATE TABLE `answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`body_md` text NOT NULL,
	`body_html` text NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`is_accepted` integer DEFAULT false NOT NULL,
	`is_official` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`hidden_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `answers_question_order_idx` ON `answers` (`question_id`,"is_accepted" desc,"score" desc,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `answers_one_accepted_per_question` ON `answers` (`question_id`) WHERE is_accepted = 1;--> statement-breakpoint
CREATE INDEX `answers_author_idx` ON `answers` (`author_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `answers_new_idx` ON `answers` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_slug_unique` ON `categories` (`slug`);--> statement-breakpoint
CREATE INDEX `categories_position_idx` ON `categories` (`position`,`id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`parent_id` integer,
	`author_id` integer NOT NULL,
	`body_md` text NOT NULL,
	`body_html` text NOT NULL,
	`is_official` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`hidden_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`parent_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "comments_target_valid" CHECK("comments"."target_type" in ('idea', 'question', 'answer'))
);
--> statement-breakpoint
CREATE INDEX `comments_target_idx` ON `comments` (`target_type`,`target_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `comments_author_idx` ON `comments` (`author_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`reason` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`handled_by_id` integer,
	`handled_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`handled_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "flags_reason_valid" CHECK("flags"."reason" in ('spam', 'rude', 'off_topic', 'duplicate', 'other')),
	CONSTRAINT "flags_status_valid" CHECK("flags"."status" in ('pending', 'accepted', 'rejected'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flags_one_per_user_target` ON `flags` (`user_id`,`target_type`,`target_id`);--> statement-breakpoint
CREATE INDEX `flags_pending_idx` ON `flags` (`created_at`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `flags_target_idx` ON `flags` (`target_type`,`target_id`,`status`);--> statement-breakpoint
CREATE INDEX `flags_user_status_idx` ON `flags` (`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `idea_follows` (
	`idea_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`idea_id`, `user_id`),
	FOREIGN KEY (`idea_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idea_follows_user_idx` ON `idea_follows` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `idea_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idea_id` integer NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`actor_id` integer NOT NULL,
	`note_md` text DEFAULT '' NOT NULL,
	`note_html` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`idea_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `idea_status_changes_idea_idx` ON `idea_status_changes` (`idea_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `idea_status_changes_to_idx` ON `idea_status_changes` (`to_status`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `idea_tags` (
	`idea_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	PRIMARY KEY(`idea_id`, `tag_id`),
	FOREIGN KEY (`idea_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idea_tags_tag_idx` ON `idea_tags` (`tag_id`,`idea_id`);--> statement-breakpoint
CREATE TABLE `idea_votes` (
	`idea_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`idea_id`, `user_id`),
	FOREIGN KEY (`idea_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idea_votes_user_idx` ON `idea_votes` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `idea_votes_idea_time_idx` ON `idea_votes` (`idea_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `idea_votes_time_idx` ON `idea_votes` (`created_at`,`idea_id`);--> statement-breakpoint
CREATE TABLE `ideas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`author_id` integer NOT NULL,
	`category_id` integer,
	`title` text NOT NULL,
	`body_md` text NOT NULL,
	`body_html` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`vote_count` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`merged_into_id` integer,
	`from_question_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_activity_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`status_changed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`locked_at` integer,
	`hidden_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`merged_into_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ideas_status_valid" CHECK("ideas"."status" in ('open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined', 'merged')),
	CONSTRAINT "ideas_vote_count_non_negative" CHECK("ideas"."vote_count" >= 0),
	CONSTRAINT "ideas_comment_count_non_negative" CHECK("ideas"."comment_count" >= 0),
	CONSTRAINT "ideas_title_length" CHECK(length("ideas"."title") between 1 and 200)
);
--> statement-breakpoint
CREATE INDEX `ideas_top_idx` ON `ideas` (`vote_count`,`id`) WHERE deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `ideas_new_idx` ON `ideas` (`created_at`,`id`) WHERE deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `ideas_active_idx` ON `ideas` (`last_activity_at`,`id`) WHERE deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `ideas_category_top_idx` ON `ideas` (`category_id`,`vote_count`,`id`);--> statement-breakpoint
CREATE INDEX `ideas_status_top_idx` ON `ideas` (`status`,`vote_count`,`id`);--> statement-breakpoint
CREATE INDEX `ideas_status_changed_idx` ON `ideas` (`status`,`status_changed_at`,`id`);--> statement-breakpoint
CREATE INDEX `ideas_author_idx` ON `ideas` (`author_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `ideas_merged_into_idx` ON `ideas` (`merged_into_id`);--> statement-breakpoint
CREATE TABLE `moderation_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`before` text,
	`after` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `moderation_log_time_idx` ON `moderation_log` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `moderation_log_actor_idx` ON `moderation_log` (`actor_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `moderation_log_action_idx` ON `moderation_log` (`action`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `moderation_log_target_idx` ON `moderation_log` (`target_type`,`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`actor_id` integer,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`url` text NOT NULL,
	`read_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`) WHERE read_at is null;--> statement-breakpoint
CREATE TABLE `post_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`editor_id` integer NOT NULL,
	`title` text,
	`body_md` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`editor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `post_revisions_target_idx` ON `post_revisions` (`target_type`,`target_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `post_votes` (
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`value` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`target_type`, `target_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "post_votes_value_valid" CHECK("post_votes"."value" in (1, -1)),
	CONSTRAINT "post_votes_target_valid" CHECK("post_votes"."target_type" in ('question', 'answer'))
);
--> statement-breakpoint
CREATE INDEX `post_votes_user_idx` ON `post_votes` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `question_tags` (
	`question_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	PRIMARY KEY(`question_id`, `tag_id`),
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `question_tags_tag_idx` ON `question_tags` (`tag_id`,`question_id`);--> statement-breakpoint
CREATE TABLE `questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`author_id` integer NOT NULL,
	`title` text NOT NULL,
	`body_md` text NOT NULL,
	`body_html` text NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`answer_count` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	`accepted_answer_id` integer,
	`is_unanswered` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`close_reason` text,
	`duplicate_of_id` integer,
	`converted_to_idea_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_activity_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`locked_at` integer,
	`hidden_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_answer_id`) REFERENCES `answers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`duplicate_of_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`converted_to_idea_id`) REFERENCES `ideas`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "questions_status_valid" CHECK("questions"."status" in ('open', 'closed')),
	CONSTRAINT "questions_close_reason_valid" CHECK("questions"."close_reason" is null or "questions"."close_reason" in ('duplicate', 'off_topic', 'resolved')),
	CONSTRAINT "questions_answer_count_non_negative" CHECK("questions"."answer_count" >= 0)
);
--> statement-breakpoint
CREATE INDEX `questions_new_idx` ON `questions` (`created_at`,`id`) WHERE deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `questions_active_idx` ON `questions` (`last_activity_at`,`id`) WHERE deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `questions_unanswered_idx` ON `questions` (`created_at`,`id`) WHERE is_unanswered = 1 and deleted_at is null and hidden_at is null;--> statement-breakpoint
CREATE INDEX `questions_author_idx` ON `questions` (`author_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `questions_duplicate_of_idx` ON `questions` (`duplicate_of_id`);--> statement-breakpoint
CREATE TABLE `rate_limit_hits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limit_hits_key_idx` ON `rate_limit_hits` (`key`,`at`);--> statement-breakpoint
CREATE INDEX `rate_limit_hits_at_idx` ON `rate_limit_hits` (`at`);--> statement-breakpoint
CREATE TABLE `reputation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`delta` integer NOT NULL,
	`reason` text NOT NULL,
	`source_type` text NOT NULL,
	`source_id` integer NOT NULL,
	`actor_id` integer,
	`reverses_id` integer,
	`is_capped` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`reverses_id`) REFERENCES `reputation_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reputation_events_user_idx` ON `reputation_events` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `reputation_events_source_idx` ON `reputation_events` (`source_type`,`source_id`,`reason`,`actor_id`);--> statement-breakpoint
CREATE INDEX `reputation_events_time_idx` ON `reputation_events` (`created_at`,`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `reputation_events_reverses_unique` ON `reputation_events` (`reverses_id`) WHERE reverses_id is not null;--> statement-breakpoint
CREATE TABLE `segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`weight` real DEFAULT 1 NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "segments_weight_range" CHECK("segments"."weight" >= 0 and "segments"."weight" <= 100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_name_unique` ON `segments` (`name`);--> statement-breakpoint
CREATE INDEX `segments_position_idx` ON `segments` (`position`,`id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`question_count` integer DEFAULT 0 NOT NULL,
	`idea_count` integer DEFAULT 0 NOT NULL,
	`created_by_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "tags_name_format" CHECK(length("tags"."name") between 1 and 35 and "tags"."name" = lower("tags"."name"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_unique` ON `tags` (`name`);--> statement-breakpoint
CREATE INDEX `tags_question_count_idx` ON `tags` (`question_count`,`id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`display_name` text NOT NULL,
	`bio_md` text DEFAULT '' NOT NULL,
	`bio_html` text DEFAULT '' NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`segment_id` integer,
	`reputation` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`password_changed_at` integer,
	`last_seen_at` integer,
	`suspended_until` integer,
	`suspension_reason` text,
	`deleted_at` integer,
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "users_role_valid" CHECK("users"."role" in ('member', 'moderator', 'product', 'admin')),
	CONSTRAINT "users_username_format" CHECK(length("users"."username") between 2 and 30),
	CONSTRAINT "users_email_lower" CHECK("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_reputation_idx` ON `users` (`reputation`,`id`);--> statement-breakpoint
CREATE INDEX `users_created_idx` ON `users` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_segment_idx` ON `users` (`segment_id`);