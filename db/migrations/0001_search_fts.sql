-- Full-text search over ideas, questions and answers (FTS5, external content).
-- The FTS column names match the content tables' columns, because snippet() and highlight() read
-- the text back from there. Triggers keep each index in step on insert, edit and delete. The index
-- also holds hidden and deleted posts: search joins back to the table and filters like the lists.
CREATE VIRTUAL TABLE ideas_fts USING fts5(title, body_md, content='ideas', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER ideas_fts_after_insert AFTER INSERT ON ideas BEGIN
  INSERT INTO ideas_fts(rowid, title, body_md) VALUES (new.id, new.title, new.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER ideas_fts_after_delete AFTER DELETE ON ideas BEGIN
  INSERT INTO ideas_fts(ideas_fts, rowid, title, body_md) VALUES ('delete', old.id, old.title, old.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER ideas_fts_after_update AFTER UPDATE OF title, body_md ON ideas BEGIN
  INSERT INTO ideas_fts(ideas_fts, rowid, title, body_md) VALUES ('delete', old.id, old.title, old.body_md);
  INSERT INTO ideas_fts(rowid, title, body_md) VALUES (new.id, new.title, new.body_md);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE questions_fts USING fts5(title, body_md, content='questions', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER questions_fts_after_insert AFTER INSERT ON questions BEGIN
  INSERT INTO questions_fts(rowid, title, body_md) VALUES (new.id, new.title, new.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER questions_fts_after_delete AFTER DELETE ON questions BEGIN
  INSERT INTO questions_fts(questions_fts, rowid, title, body_md) VALUES ('delete', old.id, old.title, old.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER questions_fts_after_update AFTER UPDATE OF title, body_md ON questions BEGIN
  INSERT INTO questions_fts(questions_fts, rowid, title, body_md) VALUES ('delete', old.id, old.title, old.body_md);
  INSERT INTO questions_fts(rowid, title, body_md) VALUES (new.id, new.title, new.body_md);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE answers_fts USING fts5(body_md, content='answers', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER answers_fts_after_insert AFTER INSERT ON answers BEGIN
  INSERT INTO answers_fts(rowid, body_md) VALUES (new.id, new.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER answers_fts_after_delete AFTER DELETE ON answers BEGIN
  INSERT INTO answers_fts(answers_fts, rowid, body_md) VALUES ('delete', old.id, old.body_md);
END;
--> statement-breakpoint
CREATE TRIGGER answers_fts_after_update AFTER UPDATE OF body_md ON answers BEGIN
  INSERT INTO answers_fts(answers_fts, rowid, body_md) VALUES ('delete', old.id, old.body_md);
  INSERT INTO answers_fts(rowid, body_md) VALUES (new.id, new.body_md);
END;
--> statement-breakpoint
INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO questions_fts(questions_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO answers_fts(answers_fts) VALUES ('rebuild');
