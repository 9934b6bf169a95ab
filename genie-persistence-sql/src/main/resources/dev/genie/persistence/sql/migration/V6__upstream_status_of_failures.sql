-- A failed attempt keeps what the model's endpoint answered when it answered with an error: its
-- HTTP status and the wait it asked for in Retry-After, so that every caller of the result, on any
-- instance, is told the same status. Both are cleared with the error when the result is taken over.
ALTER TABLE genie_results
    ADD COLUMN upstream_status smallint,
    ADD COLUMN retry_after_ms  bigint,
    ADD CONSTRAINT genie_results_upstream_status_is_http CHECK (upstream_status BETWEEN 100 AND 599),
    ADD CONSTRAINT genie_results_retry_after_not_negative CHECK (retry_after_ms >= 0),
    ADD CONSTRAINT genie_results_upstream_only_when_failed
        CHECK (status = 'failed' OR (upstream_status IS NULL AND retry_after_ms IS NULL));
