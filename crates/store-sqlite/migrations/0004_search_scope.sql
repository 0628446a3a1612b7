-- Search leaves out the entries a reader may not read by their row number: the few
-- restricted entries are found through this index, so an unfiltered search need not read
-- every hit's row.
CREATE INDEX search_entries_by_scope ON search_entries (scope, n) WHERE scope IS NOT NULL;
