-- Sessions are now stored as the SHA-256 of the token that the cookie carries (app/lib/auth.server.ts),
-- so a copy of the database holds no live session. Rows written before held the token itself: they
-- can never match again, and their raw tokens should not stay in the file (or its backups). Everyone
-- logs in once more.
DELETE FROM `sessions`;
