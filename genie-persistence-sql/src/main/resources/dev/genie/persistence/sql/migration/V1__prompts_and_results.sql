-- One row per normalized prompt text: the unique key is what makes INV-1 hold across instances.
CREATE TABLE genie_prompts (
    id                 uuid        PRIMARY KEY,
    prompt_key         text        NOT NULL,
    normalized_text    text        NOT NULL,
    raw_text           text        NOT NULL,
    normalizer_version smallint    NOT NULL,
    created_at         timestamptz NOT NULL,
    CONSTRAINT genie_prompts_key_unique UNIQUE (prompt_key),
    CONSTRAINT genie_prompts_key_is_sha256_hex CHECK (prompt_key ~ '^[0-9a-f]{64}$')
);

-- Keyset paging, newest first.
CREATE INDEX genie_prompts_newest ON genie_prompts (created_at DESC, id DESC);

-- Exactly one result per prompt. The lease (owner, expiry) says who may generate; the fencing
-- token grows with every lease granted, and only its current holder may complete.
CREATE TABLE genie_results (
    id               uuid        PRIMARY KEY,
    prompt_id        uuid        NOT NULL REFERENCES genie_prompts (id),
    status           text        NOT NULL,
    envelope         json,
    error            text,
    attempts         integer     NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    fencing_token    bigint      NOT NULL,
    watched          boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    CONSTRAINT genie_results_one_per_prompt UNIQUE (prompt_id),
    CONSTRAINT genie_results_status_known CHECK (status IN ('pending', 'completed', 'failed')),
    CONSTRAINT genie_results_envelope_iff_completed CHECK ((status = 'completed') = (envelope IS NOT NULL)),
    CONSTRAINT genie_results_attempts_positive CHECK (attempts >= 1)
);

COMMENT ON COLUMN genie_results.watched IS
    'A caller somewhere waits for this result: its completion is announced with NOTIFY genie_result_changed.';
