-- A round's title in each language an organiser wrote one for (issue 19).
-- `rounds.title` stays the default language's title.
CREATE TABLE round_titles (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    language TEXT   NOT NULL,
    title    TEXT   NOT NULL,
    PRIMARY KEY (round_id, language)
);
