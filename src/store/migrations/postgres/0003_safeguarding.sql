-- Issues whose conversation matched a safeguarding phrase (urgent medical
-- need, self-harm, abuse): moderators see them first.
ALTER TABLE issues ADD COLUMN safeguarding BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX issues_safeguarding ON issues (number) WHERE safeguarding;
