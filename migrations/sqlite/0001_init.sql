-- boxoffice schema, embedded SQLite. Released migrations are never edited: add a new file instead.
-- Same tables as the PostgreSQL schema; timestamps are RFC 3339 text.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    layout      TEXT    NOT NULL,
    seat_count  INTEGER NOT NULL CHECK (seat_count >= 1),
    created_at  TEXT    NOT NULL
);

CREATE TABLE seats (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id),
    position     INTEGER NOT NULL,
    section      TEXT    NOT NULL,
    row_number   INTEGER NOT NULL CHECK (row_number >= 1),
    seat_number  INTEGER NOT NULL CHECK (seat_number >= 1),
    label        TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'BOOKED')),
    version      INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
    partition    INTEGER NOT NULL CHECK (partition >= 0),
    UNIQUE (event_id, position)
);
CREATE INDEX seats_partition ON seats (partition);

CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    seat_id       INTEGER NOT NULL REFERENCES seats (id),
    event_id      INTEGER NOT NULL REFERENCES events (id),
    user_id       TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CANCELLED')),
    seat_version  INTEGER NOT NULL,
    strategy      TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX bookings_one_active_per_seat ON bookings (seat_id) WHERE status = 'ACTIVE';
CREATE INDEX bookings_event ON bookings (event_id);

CREATE TABLE partitions (
    id          INTEGER PRIMARY KEY CHECK (id >= 0),
    fence       INTEGER NOT NULL DEFAULT 0 CHECK (fence >= 0),
    owner       TEXT,
    updated_at  TEXT
);
