-- The floor: the statements Genie issues for a new prompt, run by pgbench with no HTTP and no JVM.
-- Same schema, same round trips, same commits: the claim (one autocommitted statement), then the
-- complete (another). Kept in step with PromptMapper.xml's "claim" and "complete" by hand: pgbench
-- cannot compute a SHA-256 or build strings on the client, so the key and the texts are built from
-- two random numbers in the statement, and the clock is the server's. The profile is the sample
-- generator's, as the benchmark's Genie runs it.
\set a random(1, 9223372036854775806)
\set b random(1, 9223372036854775806)
WITH new_prompt AS (
  INSERT INTO genie_prompts (id, prompt_key, normalized_text, raw_text, normalizer_version, created_at,
                             profile_id, profile, namespace)
  VALUES (gen_random_uuid(), lpad(:a::text || :b::text, 64, '0'),
          'Write a short poem about floor, number ' || :a::text || ' of ' || :b::text,
          'Write a short poem about floor, number ' || :a::text || ' of ' || :b::text,
          1, now(), 'f2158e1b70a0798f058bf7ab90c8d4b9517ecadd14524805d8b811b808327d11',
          CAST('{"generator":"sample","model":"genie-sample-1","outputMode":"pages","templateVersion":1}' AS json),
          'default')
  ON CONFLICT (prompt_key) DO NOTHING
  RETURNING *
), new_result AS (
  INSERT INTO genie_results (id, prompt_id, status, attempts, lease_owner, lease_expires_at,
                             fencing_token, created_at, updated_at)
  SELECT gen_random_uuid(), id, 'pending', 1, 'genie-floor', now() + interval '60 seconds', 1,
         now(), now()
  FROM new_prompt
  RETURNING *
)
SELECT true AS created,
       p.id::text AS prompt_id, p.prompt_key, p.raw_text, p.normalized_text, p.normalizer_version,
       p.created_at AS prompt_created_at, p.profile_id, p.profile::text AS profile, p.namespace,
       r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
       r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
       r.updated_at, r.completed_at
FROM new_prompt p JOIN new_result r ON r.prompt_id = p.id
UNION ALL
SELECT false AS created,
       p.id::text AS prompt_id, p.prompt_key, p.raw_text, p.normalized_text, p.normalizer_version,
       p.created_at AS prompt_created_at, p.profile_id, p.profile::text AS profile, p.namespace,
       r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
       r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
       r.updated_at, r.completed_at
FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id
WHERE p.prompt_key = lpad(:a::text || :b::text, 64, '0') AND NOT EXISTS (SELECT 1 FROM new_prompt)
\gset
WITH r AS (
  UPDATE genie_results
  SET status = 'completed',
      envelope = CAST('{"version":1,"pages":[{"id":"p1","title":"Write a short poem about floor","blocks":[{"type":"text","content":"North hearth willow lantern ember quiet ember north amber."},{"type":"text","content":"Tide orchard ember hearth signal amber river orchard drift."}]}],"metadata":{"model":"genie-sample-1","generatedAt":"2026-01-01T00:00:00.000000Z"}}' AS json),
      error = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now(), completed_at = now()
  WHERE id = (SELECT id FROM (SELECT id, fencing_token, status FROM genie_results
                              WHERE id = CAST(:result_id AS uuid) LIMIT 1 FOR UPDATE) g
              WHERE g.fencing_token = :fencing_token AND g.status = 'pending')
  RETURNING *
)
SELECT r.prompt_id::text AS prompt_id,
       r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
       r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
       r.updated_at, r.completed_at,
       CASE WHEN r.watched THEN pg_notify('genie_result_changed', r.id::text) END AS notified
FROM r;
