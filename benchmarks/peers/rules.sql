-- The checker's input errors (E002-E005) and rules MMD001-MMD010 over a CSV of change
-- records, as a data engineer would write them in DuckDB. duckdb_rules.py runs this file
-- after creating, from data/*.yaml: the map variables lim ('MMD001 notified_at starts_at' ->
-- {at_least_us, at_most_us}, microseconds), label, title, editions and severity (rule id ->
-- value); the macro edition_at(t); the tables change_type (edition, id, channels, takes_any),
-- sop_category (edition, id), prohibited (edition, category, action, text) and expected
-- (what, edition, ids: the lists quoted in messages); the variables path, parties,
-- vocabulary, channels_known, first_edition, first_since and end_of_life; and the view
-- source: the CSV as text, with the fields its header lacks as NULL columns.
-- Result: table `findings` (line, record, rule, severity, field, message).

SET timezone = 'UTC';

-- ISO 8601 with offset, floored to the second; microseconds in words (under 3 days in hours).
CREATE MACRO iso(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S') || '+00:00';
CREATE MACRO unit(n, u) AS CASE WHEN n > 0 THEN n || ' ' || u || CASE WHEN n = 1 THEN '' ELSE 's' END END;
CREATE MACRO words_(s, d) AS coalesce(nullif(concat_ws(' ',
    unit(d, 'day'), unit((s - d * 86400) // 3600, 'hour'),
    unit(s % 3600 // 60, 'minute'), unit(s % 60, 'second')), ''), '0 hours');
-- (the lambda binds the argument once: a macro repeats its argument's expression at each use)
CREATE MACRO words(us) AS list_transform([abs(us) // 1000000],
    lambda s: words_(s, CASE WHEN s // 86400 < 3 THEN 0 ELSE s // 86400 END))[1];
CREATE MACRO us(e, l) AS epoch_us(l) - epoch_us(e);
-- A time: a date (00:00 UTC) or a date-time with Z or an offset; naive date-times are E003.
CREATE MACRO ts(x) AS CASE WHEN length(x) = 10 OR regexp_matches(x, '([Zz]|[+-]\d\d:?\d\d)$')
    THEN try_cast(x AS TIMESTAMPTZ) END;

-- The records, typed; line = the CSV line (header = 1: DuckDB keeps the file's order).
CREATE TABLE r AS
SELECT row_number() OVER () + 1 AS line, *,
    ts(notified_at) AS t_notified, ts(mitigated_at) AS t_mitigated,
    ts(approved_at) AS t_approved, ts(customer_action_at) AS t_customer_action,
    ts(support_request_at) AS t_support, ts(advised_at) AS t_advised,
    ts(certificate_expires_at) AS t_cert, ts(starts_at) AS t_starts,
    edition_at(t_starts) AS edition
FROM source;

-- ---------------------------------------------------------------- input errors ----------
CREATE MACRO bad_bool(f, v) AS f || ' is ''' || v || '''; write true or false';
CREATE MACRO bad_time(f, v) AS CASE
    WHEN regexp_full_match(v, '\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?')
    THEN f || ' ''' || v || ''' has no UTC offset; write it with Z or +hh:mm (e.g. '
         || v || 'Z), or a date alone for 00:00 UTC'
    ELSE f || ' ''' || v || ''' is not a valid time; write an ISO 8601 date (YYYY-MM-DD, '
         || '00:00 UTC) or date-time with offset (YYYY-MM-DDThh:mm:ssZ or ±hh:mm)' END;
CREATE TABLE errors AS
WITH dups AS (
    SELECT id, min(line) AS first FROM r WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1
), acts AS (
    SELECT line, id, list_filter(list_transform(string_split(actions, ';'), lambda a: trim(a)),
                                 lambda a: a <> '' AND NOT list_contains(getvariable('vocabulary'), a)) AS unknown
    FROM r WHERE actions IS NOT NULL
)
SELECT line, id AS record, 'E002' AS code, 'id' AS field,
       'id is missing; every change record needs id' AS message FROM r WHERE id IS NULL
UNION ALL
SELECT line, id, 'E002', 'initiator', 'initiator is missing; every change record needs initiator ('
       || array_to_string(getvariable('parties'), ' or ') || ')' FROM r WHERE initiator IS NULL
UNION ALL
SELECT line, id, 'E002', 'starts_at', 'starts_at is missing; every change record needs starts_at'
FROM r WHERE starts_at IS NULL
UNION ALL
SELECT line, id, 'E003', 'initiator', 'initiator ''' || initiator || ''' is unknown; expected one of: '
       || array_to_string(getvariable('parties'), ', ')
FROM r WHERE NOT list_contains(getvariable('parties'), initiator)
UNION ALL
SELECT line, id, 'E002', 'change_type',
       'change_type is missing; a change initiated by Microsoft needs its change type'
FROM r WHERE initiator = 'microsoft' AND change_type IS NULL
UNION ALL
SELECT line, id, 'E002', 'sop_category',
       'sop_category is missing; a change initiated by the customer needs its SOP category'
FROM r WHERE initiator = 'customer' AND sop_category IS NULL
UNION ALL
SELECT line, id, 'E003', 'emergency', bad_bool('emergency', emergency)
FROM r WHERE lower(emergency) NOT IN ('true', 'false')
UNION ALL
SELECT line, id, 'E003', 'requires_admin_action', bad_bool('requires_admin_action', requires_admin_action)
FROM r WHERE lower(requires_admin_action) NOT IN ('true', 'false')
UNION ALL
SELECT line, id, 'E003', 'approval_required', bad_bool('approval_required', approval_required)
FROM r WHERE lower(approval_required) NOT IN ('true', 'false')
UNION ALL
SELECT line, id, 'E003', 'notified_at', bad_time('notified_at', notified_at)
FROM r WHERE notified_at IS NOT NULL AND t_notified IS NULL
UNION ALL
SELECT line, id, 'E003', 'mitigated_at', bad_time('mitigated_at', mitigated_at)
FROM r WHERE mitigated_at IS NOT NULL AND t_mitigated IS NULL
UNION ALL
SELECT line, id, 'E003', 'approved_at', bad_time('approved_at', approved_at)
FROM r WHERE approved_at IS NOT NULL AND t_approved IS NULL
UNION ALL
SELECT line, id, 'E003', 'customer_action_at', bad_time('customer_action_at', customer_action_at)
FROM r WHERE customer_action_at IS NOT NULL AND t_customer_action IS NULL
UNION ALL
SELECT line, id, 'E003', 'support_request_at', bad_time('support_request_at', support_request_at)
FROM r WHERE support_request_at IS NOT NULL AND t_support IS NULL
UNION ALL
SELECT line, id, 'E003', 'advised_at', bad_time('advised_at', advised_at)
FROM r WHERE advised_at IS NOT NULL AND t_advised IS NULL
UNION ALL
SELECT line, id, 'E003', 'certificate_expires_at', bad_time('certificate_expires_at', certificate_expires_at)
FROM r WHERE certificate_expires_at IS NOT NULL AND t_cert IS NULL
UNION ALL
SELECT line, id, 'E003', 'starts_at', bad_time('starts_at', starts_at)
FROM r WHERE starts_at IS NOT NULL AND t_starts IS NULL
UNION ALL
SELECT line, id, 'E005', 'id', 'duplicate id ''' || id || ''': already used by the record at '
       || getvariable('path') || ':' || first || '; give every record of a run its own id'
FROM r JOIN dups USING (id) WHERE line > first
UNION ALL
SELECT line, id, 'E004', 'actions', array_to_string(list_transform(unknown, lambda a:
       'action ''' || a || ''' is not in the vocabulary of actions (data/actions.yaml); '
       || 'expected one of: ' || array_to_string(getvariable('vocabulary'), ', ')), '; ')
FROM acts WHERE len(unknown) > 0;

-- Unknown change types and SOP categories of the edition in force; a value of another
-- edition says which, and names the type that succeeds it.
CREATE MACRO other_edition(what, value, judged) AS (
    SELECT CASE WHEN count(*) = 0 THEN '' ELSE
           ' (''' || value || ''' is a ' || string_agg(o.edition, ', ' ORDER BY o.edition) || ' '
           || what || '; this record is judged by the ' || judged || ' edition'
           || coalesce((SELECT ', where ''' || min(s.id) || ''' succeeds it' FROM succeeds s
                        WHERE s.edition = judged AND s.earlier = value AND what = 'change type'), '')
           || ')' END
    FROM (SELECT edition FROM change_type WHERE what = 'change type' AND id = value
          UNION SELECT edition FROM sop_category WHERE what = 'SOP category' AND id = value) o);
INSERT INTO errors
SELECT d.line, d.id, 'E004', 'change_type', 'change_type ''' || d.change_type
       || ''' is not a change type of the ' || d.edition || ' edition; expected one of: ' || x.ids
       || other_edition('change type', d.change_type, d.edition)
FROM r d JOIN expected x ON x.what = 'change_type' AND x.edition = d.edition
ANTI JOIN change_type c ON c.edition = d.edition AND c.id = d.change_type
WHERE d.initiator = 'microsoft' AND d.change_type IS NOT NULL
UNION ALL
SELECT d.line, d.id, 'E004', 'sop_category', 'sop_category ''' || d.sop_category
       || ''' is not a SOP category of the ' || d.edition || ' edition; expected one of: ' || x.ids
       || other_edition('SOP category', d.sop_category, d.edition)
FROM r d JOIN expected x ON x.what = 'sop_category' AND x.edition = d.edition
ANTI JOIN sop_category c ON c.edition = d.edition AND c.id = d.sop_category
WHERE d.initiator = 'customer' AND d.sop_category IS NOT NULL;

-- The records the rules judge: no input error.
CREATE VIEW ok AS
SELECT * REPLACE (coalesce(lower(emergency) = 'true', false) AS emergency,
                  coalesce(lower(requires_admin_action) = 'true', false) AS requires_admin_action,
                  coalesce(lower(approval_required) = 'true', false) AS approval_required)
FROM r ANTI JOIN errors USING (line)
WHERE t_starts IS NOT NULL;

-- ---------------------------------------------------------------- rules -------------------
-- Each timing rule: a required time that is missing, and each constraint
-- at_least <= later - earlier <= at_most. Messages as `handbook check` words them.
-- The rules' parameters (map variables): lim(rid, earlier, later) = {at_least_us, at_most_us}.
CREATE MACRO lim(rid, en, ln) AS getvariable('lim')[rid || ' ' || en || ' ' || ln];
CREATE MACRO least(rid, en, ln) AS lim(rid, en, ln).at_least_us;
CREATE MACRO most(rid, en, ln) AS lim(rid, en, ln).at_most_us;
CREATE MACRO label(rid) AS getvariable('label')[rid];
CREATE MACRO live(rid, ed) AS list_contains(getvariable('editions')[rid], ed);
-- A missing time f: what its constraint with the other time o (at t) would have needed,
-- when f is the constraint's earlier time (before) or its later time (after).
CREATE MACRO before(rid, f, o, t) AS CASE WHEN least(rid, f, o) > 0
    THEN 'at least ' || words(least(rid, f, o)) || ' before ' || o || ' (no later than '
         || iso(t - to_microseconds(least(rid, f, o))) || ')'
    ELSE 'no later than ' || o || ' (' || iso(t) || ')' END;
CREATE MACRO after(rid, f, o, t) AS CASE WHEN most(rid, o, f) IS NOT NULL
    THEN 'within ' || words(most(rid, o, f)) || ' after ' || o || ' (between '
         || iso(t + to_microseconds(least(rid, o, f))) || ' and '
         || iso(t + to_microseconds(most(rid, o, f))) || ')'
    WHEN least(rid, o, f) > 0 THEN 'at least ' || words(least(rid, o, f)) || ' after ' || o
         || ' (no earlier than ' || iso(t + to_microseconds(least(rid, o, f))) || ')'
    ELSE 'no earlier than ' || o || ' (' || iso(t) || ')' END;
CREATE MACRO missing(f, rid, h1, h2) AS f || ' is missing; ' || label(rid)
    || ' requires it' || coalesce(', ' || nullif(concat_ws(' and ', h1, h2), ''), '');
CREATE MACRO short(en, e, ln, l, rid) AS en || ' (' || iso(e)
    || CASE WHEN l < e THEN ') is ' ELSE ') is only ' END || words(us(e, l))
    || CASE WHEN l < e THEN ' after ' ELSE ' before ' END || ln || ' (' || iso(l) || '); '
    || label(rid) || ' requires ' || CASE WHEN least(rid, en, ln) = 0
            THEN en || ' no later than ' || ln
            ELSE 'at least ' || words(least(rid, en, ln)) || ' (' || en || ' no later than '
                 || iso(l - to_microseconds(least(rid, en, ln))) || ')' END;
CREATE MACRO long(en, e, ln, l, rid) AS ln || ' (' || iso(l) || ') is ' || words(us(e, l))
    || ' after ' || en || ' (' || iso(e) || '); ' || label(rid) || ' requires at most '
    || words(most(rid, en, ln)) || ' (' || ln || ' no later than '
    || iso(e + to_microseconds(most(rid, en, ln))) || ')';

CREATE TABLE hits AS
-- MMD001 Advance notice
WITH s AS (SELECT line, id, t_notified, t_starts FROM ok WHERE live('MMD001', edition) AND initiator = 'microsoft'
           AND requires_admin_action AND NOT emergency)
SELECT line, id, 'MMD001' AS rule, 1 AS k, 'notified_at' AS field, missing('notified_at', 'MMD001', before('MMD001', 'notified_at', 'starts_at', t_starts), NULL) AS message
FROM s WHERE t_notified IS NULL
UNION ALL
SELECT line, id, 'MMD001', 2, 'notified_at', short('notified_at', t_notified, 'starts_at', t_starts, 'MMD001')
FROM s WHERE us(t_notified, t_starts) < least('MMD001', 'notified_at', 'starts_at')
-- MMD002 Emergency mitigation first
UNION ALL (
WITH s AS (SELECT line, id, t_mitigated, t_notified FROM ok WHERE live('MMD002', edition) AND initiator = 'microsoft' AND emergency)
SELECT line, id, 'MMD002', 1, 'mitigated_at', missing('mitigated_at', 'MMD002', before('MMD002', 'mitigated_at', 'notified_at', t_notified), NULL) FROM s WHERE t_mitigated IS NULL
UNION ALL
SELECT line, id, 'MMD002', 2, 'mitigated_at', short('mitigated_at', t_mitigated, 'notified_at', t_notified, 'MMD002')
FROM s WHERE us(t_mitigated, t_notified) < least('MMD002', 'mitigated_at', 'notified_at'))
-- MMD003 Notification channel (each combination of edition, change type and channels judged once)
UNION ALL (
WITH s AS (SELECT line, id, edition, change_type, channels FROM ok
           WHERE live('MMD003', edition) AND initiator = 'microsoft' AND t_notified IS NOT NULL),
     v AS (SELECT d.*, coalesce(c.channels, []) AS allowed, coalesce(c.takes_any, false) AS any_channel,
                  list_filter(list_transform(string_split(coalesce(d.channels, ''), ';'),
                                             lambda c: trim(c)), lambda c: c <> '') AS items
           FROM (SELECT DISTINCT edition, change_type, channels FROM s) d
           LEFT JOIN change_type c ON c.edition = d.edition AND c.id = d.change_type),
     m AS (SELECT *, list_filter(items, lambda c: NOT list_contains(allowed, c)) AS wrong,
                  label('MMD003') || ' requires one or more of: ' || array_to_string(allowed, ', ')
                  || CASE WHEN any_channel
                     THEN ' (the ' || edition || ' change type ''' || change_type || ''' takes any documented channel)'
                     ELSE ' (the channels of the ' || edition || ' change type ''' || change_type || ''')' END AS want
           FROM v),
     bad AS (SELECT edition, change_type, channels, CASE WHEN len(items) = 0
                 THEN 'notified_at is set but no channel is given; ' || want
                 ELSE array_to_string(list_transform(wrong, lambda c: 'channel ''' || c || ''' '
                      || CASE WHEN list_contains(getvariable('channels_known'), c)
                         THEN 'is not documented for this change type' ELSE 'is not a documented channel' END),
                      '; ') || '; ' || want END AS message
             FROM m WHERE len(items) = 0 OR len(wrong) > 0)
SELECT s.line, s.id, 'MMD003', 1, 'channels', bad.message
FROM s JOIN bad ON s.edition = bad.edition AND s.change_type IS NOT DISTINCT FROM bad.change_type
                AND s.channels IS NOT DISTINCT FROM bad.channels)
-- MMD004 Approval before the change
UNION ALL (
WITH s AS (SELECT line, id, t_approved, t_starts FROM ok WHERE live('MMD004', edition) AND approval_required)
SELECT line, id, 'MMD004', 1, 'approved_at', missing('approved_at', 'MMD004', before('MMD004', 'approved_at', 'starts_at', t_starts), NULL) FROM s WHERE t_approved IS NULL
UNION ALL
SELECT line, id, 'MMD004', 2, 'approved_at', short('approved_at', t_approved, 'starts_at', t_starts, 'MMD004')
FROM s WHERE us(t_approved, t_starts) < least('MMD004', 'approved_at', 'starts_at'))
-- MMD005 Customer action window (the rule names no initiator)
UNION ALL (
WITH s AS (SELECT line, id, t_notified, t_customer_action FROM ok WHERE live('MMD005', edition) AND change_type = 'feature-update'
           AND requires_admin_action)
SELECT line, id, 'MMD005', 1, 'customer_action_at', missing('customer_action_at', 'MMD005',
       after('MMD005', 'customer_action_at', 'notified_at', t_notified), NULL)
FROM s WHERE t_customer_action IS NULL
UNION ALL
SELECT line, id, 'MMD005', 2, 'notified_at', short('notified_at', t_notified, 'customer_action_at', t_customer_action, 'MMD005')
FROM s WHERE us(t_notified, t_customer_action) < least('MMD005', 'notified_at', 'customer_action_at')
UNION ALL
SELECT line, id, 'MMD005', 3, 'customer_action_at', long('notified_at', t_notified, 'customer_action_at', t_customer_action, 'MMD005')
FROM s WHERE us(t_notified, t_customer_action) > most('MMD005', 'notified_at', 'customer_action_at'))
-- MMD006 Support request first
UNION ALL (
WITH s AS (SELECT line, id, t_support, t_starts FROM ok WHERE live('MMD006', edition) AND initiator = 'customer')
SELECT line, id, 'MMD006', 1, 'support_request_at', missing('support_request_at', 'MMD006',
       before('MMD006', 'support_request_at', 'starts_at', t_starts), NULL)
FROM s WHERE t_support IS NULL
UNION ALL
SELECT line, id, 'MMD006', 2, 'support_request_at', short('support_request_at', t_support, 'starts_at', t_starts, 'MMD006')
FROM s WHERE us(t_support, t_starts) < least('MMD006', 'support_request_at', 'starts_at'))
-- MMD007 Advised before the change
UNION ALL (
WITH s AS (SELECT line, id, t_advised, t_support, t_starts FROM ok WHERE live('MMD007', edition) AND initiator = 'customer')
SELECT line, id, 'MMD007', 1, 'advised_at', missing('advised_at', 'MMD007', before('MMD007', 'advised_at', 'starts_at', t_starts),
       after('MMD007', 'advised_at', 'support_request_at', t_support)) FROM s WHERE t_advised IS NULL
UNION ALL
SELECT line, id, 'MMD007', 2, 'advised_at', short('advised_at', t_advised, 'starts_at', t_starts, 'MMD007')
FROM s WHERE us(t_advised, t_starts) < least('MMD007', 'advised_at', 'starts_at')
UNION ALL
SELECT line, id, 'MMD007', 3, 'support_request_at', short('support_request_at', t_support, 'advised_at', t_advised, 'MMD007')
FROM s WHERE us(t_support, t_advised) < least('MMD007', 'support_request_at', 'advised_at'))
-- MMD008 Certificate lead time
UNION ALL (
WITH s AS (SELECT line, id, t_support, t_cert FROM ok WHERE live('MMD008', edition) AND initiator = 'customer'
           AND sop_category = 'certificates')
SELECT line, id, 'MMD008', 1, 'certificate_expires_at', missing('certificate_expires_at', 'MMD008',
       after('MMD008', 'certificate_expires_at', 'support_request_at', t_support), NULL)
FROM s WHERE t_cert IS NULL
UNION ALL
SELECT line, id, 'MMD008', 2, 'support_request_at', short('support_request_at', t_support, 'certificate_expires_at', t_cert, 'MMD008')
FROM s WHERE us(t_support, t_cert) < least('MMD008', 'support_request_at', 'certificate_expires_at'))
-- MMD009 Prohibited action: an action any SOP category of the edition prohibits (the
-- record's own category first)
UNION ALL (
WITH a AS (SELECT line, id, edition, sop_category, trim(unnest(string_split(actions, ';'))) AS action,
                  generate_subscripts(string_split(actions, ';'), 1) AS pos
           FROM ok WHERE live('MMD009', edition) AND initiator = 'customer' AND actions IS NOT NULL),
m AS (SELECT a.*, p.category AS owner, p.text,
             row_number() OVER (PARTITION BY a.line, a.pos
                                ORDER BY p.category <> a.sop_category, p.category) AS k
      FROM a JOIN prohibited p ON p.edition = a.edition AND p.action = a.action)
SELECT line, id, 'MMD009', 1, 'actions', string_agg('action ''' || action || ''' is prohibited for SOP category '''
       || owner || ''' in the ' || edition || ' edition ("' || text || '")', '; ' ORDER BY pos)
       || '; ' || label('MMD009') || ': a change must not take '
       || CASE WHEN count(*) = 1 THEN 'it' ELSE 'them' END
FROM m WHERE k = 1
GROUP BY line, id)
-- MMD010 Edition in force: after the end of life (a warning); before the first edition below
UNION ALL
SELECT line, id, 'MMD010', 1, 'starts_at', 'starts_at (' || iso(t_starts) || ') is after the service''s end of life ('
       || getvariable('end_of_life') || '); the rules of the ' || edition || ' edition were still checked ('
       || 'MMD010, ' || getvariable('title')['MMD010'] || ': the service had ended)'
FROM ok WHERE live('MMD010', edition) AND t_starts >= getvariable('end_of_life')::DATE + 1;

CREATE TABLE findings AS
SELECT line, record, code AS rule, 'error' AS severity, field, message FROM errors
UNION ALL
SELECT r.line, r.id, 'MMD010', 'error', 'starts_at', 'starts_at (' || iso(r.t_starts)
       || ') is before any edition is in force; the first edition (' || getvariable('first_edition')
       || ') is in force from ' || getvariable('first_since') || ', so no rules apply; '
       || label('MMD010')
       || ' requires starts_at on or after ' || getvariable('first_since')
FROM r ANTI JOIN errors USING (line)
WHERE r.t_starts < getvariable('first_since')::DATE
UNION ALL
-- a record with an input error after the end of life: the warning, without the rules
SELECT r.line, r.id, 'MMD010', 'warning', 'starts_at', 'starts_at (' || iso(r.t_starts)
       || ') is after the service''s end of life (' || getvariable('end_of_life')
       || '); its input errors kept the rules from being checked (MMD010, '
       || getvariable('title')['MMD010'] || ': the service had ended)'
FROM r SEMI JOIN errors USING (line)
WHERE live('MMD010', r.edition) AND r.t_starts >= getvariable('end_of_life')::DATE + 1
UNION ALL
SELECT line, id, rule, CASE WHEN rule = 'MMD010' THEN 'warning' ELSE
       getvariable('severity')[rule] END, first(field ORDER BY k),
       string_agg(message, '; ' ORDER BY k)
FROM hits GROUP BY line, id, rule;
