-- An issue's short ballot title in each language an organiser wrote one for
-- (issue 19). `issues.title` stays the default language's title.
CREATE TABLE issue_titles (
    issue    INTEGER NOT NULL REFERENCES issues (number),
    language TEXT    NOT NULL,
    title    TEXT    NOT NULL,
    PRIMARY KEY (issue, language)
);
