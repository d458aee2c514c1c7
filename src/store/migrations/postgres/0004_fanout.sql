-- Fan-outs: one Board response (or round announcement) told to everyone
-- involved, through the outbox. Each outbox row knows its fan-out, so
-- progress is a GROUP BY away.
CREATE TABLE fanouts (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT   NOT NULL CHECK (kind IN ('response', 'announce')),
    response_id BIGINT REFERENCES responses (id),
    round_id    BIGINT REFERENCES rounds (id),
    recipients  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);

ALTER TABLE outbox ADD COLUMN fanout_id BIGINT REFERENCES fanouts (id);
CREATE INDEX outbox_fanout ON outbox (fanout_id, status);
