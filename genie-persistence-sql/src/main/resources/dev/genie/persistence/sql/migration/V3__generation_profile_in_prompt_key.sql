-- The prompt key covers the generation profile (generator, model and every setting that changes
-- the answer) as well as the normalized text: the same text under another model is another prompt.
-- Every prompt stored before was written by the sample generator: its key is taken again over that
-- profile, SHA-256 of the profile id, a line feed and the normalized text, as PromptKey.of does.
ALTER TABLE genie_prompts
    ADD COLUMN profile_id text,
    ADD COLUMN profile    json;

UPDATE genie_prompts
SET profile    = '{"generator":"sample","model":"genie-sample-1","outputMode":"pages","templateVersion":1}',
    profile_id = encode(sha256(convert_to(
        '{"generator":"sample","model":"genie-sample-1","outputMode":"pages","templateVersion":1}',
        'UTF8')), 'hex');

UPDATE genie_prompts
SET prompt_key = encode(sha256(convert_to(profile_id || E'\n' || normalized_text, 'UTF8')), 'hex');

ALTER TABLE genie_prompts
    ALTER COLUMN profile_id SET NOT NULL,
    ALTER COLUMN profile    SET NOT NULL,
    ADD CONSTRAINT genie_prompts_profile_id_is_sha256_hex CHECK (profile_id ~ '^[0-9a-f]{64}$');
