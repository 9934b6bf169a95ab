-- Every prompt belongs to the namespace of the key that sent it. The prompt key of the default
-- namespace is unchanged (PromptKey.of), so every existing row belongs to it as it is.
ALTER TABLE genie_prompts
    ADD COLUMN namespace text NOT NULL DEFAULT 'default';

-- Newest first within one namespace, for GET /prompts.
CREATE INDEX genie_prompts_namespace_newest ON genie_prompts (namespace, created_at DESC, id DESC);

-- Callers' keys. Only the SHA-256 of a key is kept: a key is 256 random bits, so a fast hash is
-- enough (there is nothing to guess), and a lookup needs no per-key salt.
CREATE TABLE genie_api_keys (
    name            text        PRIMARY KEY,
    key_hash        bytea       NOT NULL,
    namespace       text        NOT NULL,
    rate_per_second integer     NOT NULL,
    daily_tokens    bigint      NOT NULL,
    admin           boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    CONSTRAINT genie_api_keys_hash_unique UNIQUE (key_hash),
    CONSTRAINT genie_api_keys_hash_is_sha256 CHECK (octet_length(key_hash) = 32),
    CONSTRAINT genie_api_keys_limits_not_negative CHECK (rate_per_second >= 0 AND daily_tokens >= 0)
);

-- Tokens each key's generations used per UTC day, summed across all instances.
CREATE TABLE genie_token_usage (
    key_name text   NOT NULL REFERENCES genie_api_keys (name),
    day      date   NOT NULL,
    tokens   bigint NOT NULL,
    PRIMARY KEY (key_name, day)
);
