-- A booking updates a seat's status and version, neither of which is indexed. With free room on
-- the seat's page PostgreSQL updates it in place (a HOT update): no new entries in the seat
-- table's three indexes, less WAL, less vacuum. A full page (the default fillfactor of 100) forces
-- every first booking of a seat to move the row and write all three indexes. Applies to pages
-- written from now on: new events.
ALTER TABLE seats SET (fillfactor = 70);
