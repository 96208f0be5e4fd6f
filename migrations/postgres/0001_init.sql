-- boxoffice schema, PostgreSQL. Released migrations are never edited: add a new file instead.

-- An event and its layout: `layout` is the JSON list of sections {name, rows, seatsPerRow}.
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    layout      JSONB       NOT NULL,
    seat_count  INTEGER     NOT NULL CHECK (seat_count >= 1),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per seat. `version` grows by one with every committed transition; `partition` is
-- `id mod P` and decides which node's actor owns the seat.
CREATE TABLE seats (
    id           BIGSERIAL PRIMARY KEY,
    event_id     BIGINT  NOT NULL REFERENCES events (id),
    position     INTEGER NOT NULL,
    section      TEXT    NOT NULL,
    row_number   INTEGER NOT NULL CHECK (row_number >= 1),
    seat_number  INTEGER NOT NULL CHECK (seat_number >= 1),
    label        TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'BOOKED')),
    version      BIGINT  NOT NULL DEFAULT 0 CHECK (version >= 0),
    partition    INTEGER NOT NULL CHECK (partition >= 0),
    UNIQUE (event_id, position)
);
CREATE INDEX seats_partition ON seats (partition);

-- Bookings. The partial unique index is the database's own guard of the single-winner promise:
-- a seat has at most one active booking, whatever the application does.
CREATE TABLE bookings (
    id            BIGSERIAL PRIMARY KEY,
    seat_id       BIGINT      NOT NULL REFERENCES seats (id),
    event_id      BIGINT      NOT NULL REFERENCES events (id),
    user_id       TEXT        NOT NULL,
    status        TEXT        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CANCELLED')),
    seat_version  BIGINT      NOT NULL,
    strategy      TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bookings_one_active_per_seat ON bookings (seat_id) WHERE status = 'ACTIVE';
CREATE INDEX bookings_event ON bookings (event_id);

-- Partitions and their fencing tokens. A node that gains a partition raises its fence here; every
-- commit checks that the fence is still the committing node's.
CREATE TABLE partitions (
    id          INTEGER PRIMARY KEY CHECK (id >= 0),
    fence       BIGINT  NOT NULL DEFAULT 0 CHECK (fence >= 0),
    owner       TEXT,
    updated_at  TIMESTAMPTZ
);
