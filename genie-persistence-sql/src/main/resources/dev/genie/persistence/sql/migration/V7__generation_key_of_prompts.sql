-- The name of the key whose request last started the prompt's generation: a takeover or a sweep
-- of that generation is charged to it. Null for prompts generated without keys. Kept by name, as
-- genie_token_usage keeps spending, also for a key revoked meanwhile.
ALTER TABLE genie_prompts
    ADD COLUMN generation_key text;
