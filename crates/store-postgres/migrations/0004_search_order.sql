-- Hits are shown newest first, by a row number that carries the entry's date: the Julian
-- day times 2^24, plus the entry's place among that day's entries (undated entries from 0,
-- after every dated one) (plenary_domain::search::order_key).
ALTER TABLE search_entries ADD COLUMN n bigint;
UPDATE search_entries SET n = k.n
FROM (
    SELECT id,
           (CASE WHEN day IS NULL THEN 0
                 ELSE greatest(to_char(day::date, 'J')::bigint, 1) END) * 16777216
           + row_number() OVER (PARTITION BY day ORDER BY id COLLATE "C") - 1 AS n
    FROM search_entries
) k
WHERE k.id = search_entries.id;
ALTER TABLE search_entries ALTER COLUMN n SET NOT NULL;
CREATE UNIQUE INDEX search_entries_order ON search_entries (n);
