-- Issues whose conversation matched a safeguarding phrase (urgent medical
-- need, self-harm, abuse): moderators see them first.
ALTER TABLE issues ADD COLUMN safeguarding INTEGER NOT NULL DEFAULT 0
    CHECK (safeguarding IN (0, 1));
CREATE INDEX issues_safeguarding ON issues (number) WHERE safeguarding = 1;
