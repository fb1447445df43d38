-- Answer and comment counts now count visible posts only (hidden or deleted ones leave the count,
-- a held answer joins it when approved), and a hidden or deleted answer no longer makes its
-- question answered. Existing counts are brought in line once.
UPDATE ideas SET comment_count = comment_count - (
  SELECT count(*) FROM comments c
  WHERE c.target_type = 'idea' AND c.target_id = ideas.id AND (c.hidden_at IS NOT NULL OR c.deleted_at IS NOT NULL))
WHERE id IN (SELECT target_id FROM comments WHERE target_type = 'idea' AND (hidden_at IS NOT NULL OR deleted_at IS NOT NULL));
--> statement-breakpoint
UPDATE questions SET comment_count = comment_count - (
  SELECT count(*) FROM comments c
  WHERE c.target_type = 'question' AND c.target_id = questions.id AND (c.hidden_at IS NOT NULL OR c.deleted_at IS NOT NULL))
WHERE id IN (SELECT target_id FROM comments WHERE target_type = 'question' AND (hidden_at IS NOT NULL OR deleted_at IS NOT NULL));
--> statement-breakpoint
UPDATE answers SET comment_count = comment_count - (
  SELECT count(*) FROM comments c
  WHERE c.target_type = 'answer' AND c.target_id = answers.id AND (c.hidden_at IS NOT NULL OR c.deleted_at IS NOT NULL))
WHERE id IN (SELECT target_id FROM comments WHERE target_type = 'answer' AND (hidden_at IS NOT NULL OR deleted_at IS NOT NULL));
--> statement-breakpoint
UPDATE questions SET
  answer_count = answer_count - (
    SELECT count(*) FROM answers a WHERE a.question_id = questions.id AND (a.hidden_at IS NOT NULL OR a.deleted_at IS NOT NULL)),
  is_unanswered = (accepted_answer_id IS NULL AND NOT EXISTS (
    SELECT 1 FROM answers a WHERE a.question_id = questions.id AND a.score > 0 AND a.deleted_at IS NULL AND a.hidden_at IS NULL))
WHERE id IN (SELECT question_id FROM answers WHERE hidden_at IS NOT NULL OR deleted_at IS NOT NULL);
