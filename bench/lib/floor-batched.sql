-- The batched floor: floor.sql's work for :batch new prompts at once, as Genie's group commit sends
-- it (PromptMapper.xml's "claimBatch", then "completeBatch"): one statement and one commit claims
-- them all, another completes them all. Kept in step with those statements by hand; the arrays
-- that Genie binds as parameters are built here on the server, from two random numbers and the
-- row's number, since pgbench cannot build them on the client. Run with -D batch=N; each pgbench
-- transaction is N prompts.
\set a random(1, 9223372036854775806)
\set b random(1, 9223372036854775806)
WITH input AS (
  SELECT * FROM unnest(
      (SELECT array_agg(lpad(:a::text || :b::text || lpad(i::text, 4, '0'), 64, '0')) FROM generate_series(1, CAST(:batch AS int)) i),
      (SELECT array_agg('Write a short poem about floor, number ' || :a::text || ' of ' || :b::text || ', ' || i) FROM generate_series(1, CAST(:batch AS int)) i),
      (SELECT array_agg('Write a short poem about floor, number ' || :a::text || ' of ' || :b::text || ', ' || i) FROM generate_series(1, CAST(:batch AS int)) i),
      array_fill(1, ARRAY[CAST(:batch AS int)]),
      array_fill('f2158e1b70a0798f058bf7ab90c8d4b9517ecadd14524805d8b811b808327d11'::text, ARRAY[CAST(:batch AS int)]),
      array_fill('{"generator":"sample","model":"genie-sample-1","outputMode":"pages","templateVersion":1}'::text, ARRAY[CAST(:batch AS int)]),
      array_fill('default'::text, ARRAY[CAST(:batch AS int)]),
      array_fill('genie-floor'::text, ARRAY[CAST(:batch AS int)]),
      array_fill(NULL::timestamptz, ARRAY[CAST(:batch AS int)]),
      array_fill(60000000::bigint, ARRAY[CAST(:batch AS int)]))
    WITH ORDINALITY AS i(prompt_key, normalized_text, raw_text, normalizer_version, profile_id,
                         profile, namespace, owner, at, lease_micros, ord)
), new_prompt AS (
  INSERT INTO genie_prompts (id, prompt_key, normalized_text, raw_text, normalizer_version, created_at,
                             profile_id, profile, namespace)
  SELECT gen_random_uuid(), prompt_key, normalized_text, raw_text, normalizer_version,
         COALESCE(at, now()), profile_id, CAST(profile AS json), namespace
  FROM input
  ORDER BY prompt_key
  ON CONFLICT (prompt_key) DO NOTHING
  RETURNING *
), new_result AS (
  INSERT INTO genie_results (id, prompt_id, status, attempts, lease_owner, lease_expires_at,
                             fencing_token, created_at, updated_at)
  SELECT gen_random_uuid(), p.id, 'pending', 1, i.owner,
         COALESCE(i.at, now()) + i.lease_micros * interval '1 microsecond', 1,
         p.created_at, p.created_at
  FROM new_prompt p JOIN input i ON i.prompt_key = p.prompt_key
  RETURNING *
), claimed AS (
  SELECT true AS created,
         p.id::text AS prompt_id, p.prompt_key, p.raw_text, p.normalized_text, p.normalizer_version,
         p.created_at AS prompt_created_at, p.profile_id, p.profile::text AS profile, p.namespace,
         r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
         r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
         r.updated_at, r.completed_at
  FROM new_prompt p JOIN new_result r ON r.prompt_id = p.id
  UNION ALL
  SELECT false AS created, found.*
  FROM input k CROSS JOIN LATERAL (
    SELECT p.id::text AS prompt_id, p.prompt_key, p.raw_text, p.normalized_text, p.normalizer_version,
           p.created_at AS prompt_created_at, p.profile_id, p.profile::text AS profile, p.namespace,
           r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
           r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
           r.updated_at, r.completed_at
    FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id
    WHERE p.prompt_key = k.prompt_key
    LIMIT 1) found
  WHERE NOT EXISTS (SELECT 1 FROM new_prompt n WHERE n.prompt_key = k.prompt_key)
)
-- Genie reads every row; here they are folded into one, the result ids, for the completion.
SELECT string_agg(result_id, ',' ORDER BY result_id) AS result_ids, count(*) AS claimed FROM claimed
\gset
WITH c AS (
  SELECT * FROM unnest(
      CAST(string_to_array(:result_ids, ',') AS uuid[]),
      array_fill(1::bigint, ARRAY[CAST(:claimed AS int)]),
      array_fill('{"version":1,"pages":[{"id":"p1","title":"Write a short poem about floor","blocks":[{"type":"text","content":"North hearth willow lantern ember quiet ember north amber."},{"type":"text","content":"Tide orchard ember hearth signal amber river orchard drift."}]}],"metadata":{"model":"genie-sample-1","generatedAt":"2026-01-01T00:00:00.000000Z"}}'::text, ARRAY[CAST(:claimed AS int)]),
      array_fill(NULL::timestamptz, ARRAY[CAST(:claimed AS int)]))
    AS c(id, token, envelope, at)
), fenced AS (
  SELECT c.*
  FROM c CROSS JOIN LATERAL (
    SELECT fencing_token, status FROM genie_results WHERE id = c.id LIMIT 1 FOR UPDATE) g
  WHERE g.fencing_token = c.token AND g.status = 'pending'
), r AS (
  UPDATE genie_results g
  SET status = 'completed', envelope = CAST(f.envelope AS json), error = NULL,
      lease_owner = NULL, lease_expires_at = NULL, updated_at = COALESCE(f.at, now()),
      completed_at = COALESCE(f.at, now())
  FROM fenced f
  WHERE g.id = ANY (ARRAY(SELECT id FROM fenced)) AND g.id = f.id
  RETURNING g.*
)
SELECT r.prompt_id::text AS prompt_id,
       r.id::text AS result_id, r.status, r.envelope::text AS envelope, r.error, r.attempts,
       r.lease_owner, r.lease_expires_at, r.fencing_token, r.created_at AS result_created_at,
       r.updated_at, r.completed_at,
       CASE WHEN r.watched THEN pg_notify('genie_result_changed', r.id::text) END AS notified
FROM r;
