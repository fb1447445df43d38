DROP INDEX `answers_question_order_idx`;--> statement-breakpoint
CREATE INDEX `answers_question_order_idx` ON `answers` (`question_id`,"is_accepted" desc,"score" desc,`created_at`,`id`);