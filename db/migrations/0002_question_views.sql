CREATE TABLE `question_views` (
	`question_id` integer NOT NULL,
	`viewer_key` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`question_id`, `viewer_key`, `day`),
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `question_views_day_idx` ON `question_views` (`day`);