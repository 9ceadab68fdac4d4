-- Full-text search over audit_log: a ClickHouse `text` (inverted) index over
-- one lower-cased expression of the searchable columns, plus a bloom filter
-- for the `actor` filter. Nothing hashed changes: the index is over an
-- expression, no column is added or rewritten.
--
-- Index: `text`, tokenizer splitByNonAlpha over
--   lowerUTF8(concat_ws(' ', action, actor, resource, outcome,
--                       ifNull(arguments, ''), ifNull(response, ''), ifNull(error, '')))
-- A token is a maximal run of ASCII letters/digits and non-ASCII bytes; every
-- other ASCII character (space, punctuation, '_', '.', '-', '"', '\') splits.
-- So `rate_limit_exceeded` is the three tokens rate, limit, exceeded, and
-- `github__create_pr` is github, create, pr. Limits: no prefix or substring
-- matching (`rat` does not find `rate`); words in scripts without spaces (CJK)
-- are one token per run; phrases match consecutive tokens, punctuation in
-- between is ignored. Queries must repeat the expression exactly for the
-- index to apply (libs/store's audit search holds it in one constant).
--
-- The expression is not materialised: the index answers which rows hold the
-- tokens; the row text is read only for the page that is returned, and for
-- phrases (hasPhrase re-checks the candidates). That keeps the table's size.
--
-- Example queries:
--   -- newest 50 rows that mention both words (served from the index)
--   SELECT occurred_at, action, actor, resource, outcome FROM audit_log
--   WHERE org = 'acme' AND hasAllTokens(lowerUTF8(concat_ws(' ', action, actor, resource, outcome,
--         ifNull(arguments, ''), ifNull(response, ''), ifNull(error, ''))), ['rate', 'limit'])
--   ORDER BY occurred_at DESC, seq DESC LIMIT 50;
--   -- how many rows mention a phrase, per day
--   SELECT toDate(occurred_at) AS day, count() FROM audit_log
--   WHERE org = 'acme' AND hasPhrase(lowerUTF8(concat_ws(' ', action, actor, resource, outcome,
--         ifNull(arguments, ''), ifNull(response, ''), ifNull(error, ''))), 'permission denied')
--   GROUP BY day ORDER BY day;
ALTER TABLE audit_log
    ADD INDEX IF NOT EXISTS audit_search
        lowerUTF8(concat_ws(' ', action, actor, resource, outcome, ifNull(arguments, ''), ifNull(response, ''), ifNull(error, '')))
        TYPE text(tokenizer = splitByNonAlpha);

-- `actor` is high-cardinality and not in the sort key: a bloom filter lets a
-- filter on one actor skip the granules that cannot hold it.
ALTER TABLE audit_log
    ADD INDEX IF NOT EXISTS audit_actor_bf actor TYPE bloom_filter(0.01) GRANULARITY 1;

-- Rows written before this migration get both indexes too (a mutation; a
-- second run rebuilds them again, which is harmless).
ALTER TABLE audit_log MATERIALIZE INDEX audit_search;
ALTER TABLE audit_log MATERIALIZE INDEX audit_actor_bf;
