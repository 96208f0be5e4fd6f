//! The PostgreSQL store. A batch of seat writes commits as ONE statement (an implicit
//! transaction, one round trip): the fence check locks the batch's partition rows `FOR SHARE`, so a
//! new owner's fence bump waits for this commit or makes it fail; the seat update is
//! version-checked; the booking rows are inserted from the update's result. `synchronous_commit` is
//! forced on, so a commit that returned is durable.

use std::collections::HashMap;
use std::str::FromStr;

use async_trait::async_trait;
use boxoffice_actors::journal::{CommitBatch, Journal, JournalError, WriteOutcome, stored_now};
use boxoffice_actors::{
    BookingId, EventId, Fence, PartitionId, SeatId, SeatRecord, SeatState, SeatStatus, UserId,
};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::{
    Backend, BookingRow, DirectBookingError, EventRow, PoolConnections, SeatRow, Store, StoreError,
    booking_row, created_event, inserted_booking, migrations, parse_status, settle_partitions,
    stored_id,
};
use crate::layout::NewEvent;
use crate::limits::{DB_ACQUIRE_TIMEOUT, PG_POOL_CONNECTIONS_MAX};

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?
            .application_name("boxoffice")
            .options([("synchronous_commit", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(PG_POOL_CONNECTIONS_MAX)
            .acquire_timeout(DB_ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        migrations::postgres().run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests and tools that inspect the database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Commits a batch: see the module docs. Returns, per write, whether its partition's fence
/// matched, whether the versioned update happened, and the new booking's id.
const COMMIT_BATCH_SQL: &str = "
WITH w AS (
    SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[], $5::int4[], $6::int8[], $7::text[])
        AS w(seat_id, expected, version, status, part, event_id, user_id)
),
f AS (
    SELECT p.id FROM partitions p
    JOIN unnest($8::int4[], $9::int8[]) AS h(id, fence) ON p.id = h.id AND p.fence = h.fence
    FOR SHARE OF p
),
upd AS (
    UPDATE seats s SET status = w.status, version = w.version
    FROM w
    WHERE s.id = w.seat_id AND s.version = w.expected AND w.part IN (SELECT id FROM f)
    RETURNING s.id
),
ins AS (
    INSERT INTO bookings (seat_id, event_id, user_id, status, seat_version, strategy, created_at)
    SELECT w.seat_id, w.event_id, w.user_id, 'ACTIVE', w.version, 'ACTOR', $10
    FROM w JOIN upd ON upd.id = w.seat_id
    WHERE w.user_id IS NOT NULL
    RETURNING id, seat_id
)
SELECT w.seat_id,
       EXISTS (SELECT 1 FROM f WHERE f.id = w.part) AS fence_ok,
       upd.id IS NOT NULL AS committed,
       ins.id AS booking_id
FROM w LEFT JOIN upd ON upd.id = w.seat_id LEFT JOIN ins ON ins.seat_id = w.seat_id";

const SEAT_COLUMNS: &str =
    "id, event_id, position, section, row_number, seat_number, label, status, version";

type SeatTuple = (i64, i64, i32, String, i32, i32, String, String, i64);

fn seat_row(raw: SeatTuple) -> Result<SeatRow, StoreError> {
    let (id, event, position, section, row, number, label, status, version) = raw;
    Ok(SeatRow {
        id: stored_id(SeatId::new, id)?,
        event: stored_id(EventId::new, event)?,
        position: position as u32,
        section,
        row: row as u32,
        number: number as u32,
        label,
        status: parse_status(&status)?,
        version: version as u64,
    })
}

const BOOKING_SELECT: &str = "
SELECT b.id, b.seat_id, b.event_id, s.label, b.user_id, b.seat_version, b.strategy, b.created_at, b.status
FROM bookings b JOIN seats s ON s.id = b.seat_id";

fn journal_error(error: sqlx::Error) -> JournalError {
    JournalError(error.to_string())
}

#[async_trait]
impl Journal for PgStore {
    async fn commit(&self, batch: &CommitBatch) -> Result<Vec<WriteOutcome>, JournalError> {
        let writes = &batch.writes;
        let seat_ids: Vec<i64> = writes.iter().map(|w| w.seat.as_i64()).collect();
        let expected: Vec<i64> = writes.iter().map(|w| w.expected_version as i64).collect();
        let versions: Vec<i64> = writes.iter().map(|w| w.version as i64).collect();
        let statuses: Vec<&str> = writes.iter().map(|w| w.status.as_str()).collect();
        let parts: Vec<i32> = writes.iter().map(|w| w.partition.0 as i32).collect();
        let events: Vec<i64> = writes.iter().map(|w| w.event.as_i64()).collect();
        let users: Vec<Option<&str>> =
            writes.iter().map(|w| w.booking_for.as_ref().map(UserId::as_str)).collect();
        let fence_parts: Vec<i32> = batch.fences.iter().map(|(p, _)| p.0 as i32).collect();
        let fence_values: Vec<i64> = batch.fences.iter().map(|(_, f)| f.0 as i64).collect();

        let rows: Vec<(i64, bool, bool, Option<i64>)> = sqlx::query_as(COMMIT_BATCH_SQL)
            .bind(seat_ids)
            .bind(expected)
            .bind(versions)
            .bind(statuses)
            .bind(parts)
            .bind(events)
            .bind(users)
            .bind(fence_parts)
            .bind(fence_values)
            .bind(batch.committed_at)
            .fetch_all(&self.pool)
            .await
            .map_err(journal_error)?;

        let by_seat: HashMap<i64, (bool, bool, Option<i64>)> = rows
            .into_iter()
            .map(|(seat, fence_ok, committed, booking)| (seat, (fence_ok, committed, booking)))
            .collect();
        writes
            .iter()
            .map(|write| match by_seat.get(&write.seat.as_i64()) {
                Some((false, _, _)) => Ok(WriteOutcome::Fenced),
                Some((true, true, booking)) => Ok(WriteOutcome::Committed {
                    booking: booking
                        .map(BookingId::new)
                        .transpose()
                        .map_err(|e| JournalError(e.0))?,
                }),
                Some((true, false, _)) => Ok(WriteOutcome::VersionMismatch),
                None => Err(JournalError(format!("no outcome for seat {}", write.seat))),
            })
            .collect()
    }

    async fn load_seat(&self, seat: SeatId) -> Result<Option<SeatRecord>, JournalError> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT event_id, status, version FROM seats WHERE id = $1")
                .bind(seat.as_i64())
                .fetch_optional(&self.pool)
                .await
                .map_err(journal_error)?;
        row.map(|(event, status, version)| {
            Ok(SeatRecord {
                seat,
                event: EventId::new(event).map_err(|e| JournalError(e.0))?,
                state: SeatState {
                    status: SeatStatus::parse(&status).map_err(|e| JournalError(e.0))?,
                    version: version as u64,
                },
            })
        })
        .transpose()
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn pool_connections(&self) -> PoolConnections {
        PoolConnections::of(&self.pool)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn init_partitions(
        &self,
        requested: Option<u32>,
        default: u32,
    ) -> Result<u32, StoreError> {
        let stored: i64 =
            sqlx::query_scalar("SELECT count(*) FROM partitions").fetch_one(&self.pool).await?;
        let count = settle_partitions(stored as u32, requested, default)?;
        if stored == 0 {
            sqlx::query(
                "INSERT INTO partitions (id) SELECT generate_series(0, $1 - 1) ON CONFLICT DO NOTHING",
            )
            .bind(count as i32)
            .execute(&self.pool)
            .await?;
            // Another node may have initialised the table at the same moment, differently.
            let now: i64 =
                sqlx::query_scalar("SELECT count(*) FROM partitions").fetch_one(&self.pool).await?;
            return settle_partitions(now as u32, Some(count), default);
        }
        Ok(count)
    }

    async fn bump_all_fences(&self, node: &str) -> Result<Vec<(PartitionId, Fence)>, StoreError> {
        let rows: Vec<(i32, i64)> = sqlx::query_as(
            "UPDATE partitions SET fence = fence + 1, owner = $1, updated_at = now() RETURNING id, fence",
        )
        .bind(node)
        .fetch_all(&self.pool)
        .await?;
        let mut fences: Vec<_> =
            rows.into_iter().map(|(p, f)| (PartitionId(p as u32), Fence(f as u64))).collect();
        fences.sort();
        Ok(fences)
    }

    async fn raise_fence(
        &self,
        partition: PartitionId,
        fence: Fence,
        node: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE partitions SET fence = $2, owner = $3, updated_at = now() WHERE id = $1 AND fence < $2",
        )
        .bind(partition.0 as i32)
        .bind(fence.0 as i64)
        .bind(node)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn events(&self) -> Result<Vec<EventRow>, StoreError> {
        let rows: Vec<(i64, String, String, DateTime<Utc>)> =
            sqlx::query_as("SELECT id, name, layout::text, created_at FROM events ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, name, layout, created_at)| {
                Ok(EventRow {
                    id: stored_id(EventId::new, id)?,
                    name,
                    sections: serde_json::from_str(&layout).map_err(|e| {
                        StoreError::Incompatible(format!(
                            "event {id} has an unreadable layout: {e}"
                        ))
                    })?,
                    created_at,
                })
            })
            .collect()
    }

    async fn seats(&self, event: EventId) -> Result<Vec<SeatRow>, StoreError> {
        let rows: Vec<SeatTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SEAT_COLUMNS} FROM seats WHERE event_id = $1 ORDER BY position"
        )))
        .bind(event.as_i64())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(seat_row).collect()
    }

    async fn partition_seats(&self, partition: PartitionId) -> Result<Vec<SeatRow>, StoreError> {
        let rows: Vec<SeatTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SEAT_COLUMNS} FROM seats WHERE partition = $1"
        )))
        .bind(partition.0 as i32)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(seat_row).collect()
    }

    async fn create_event(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<(EventRow, Vec<SeatRow>), StoreError> {
        let mut tx = self.pool.begin().await?;
        let created = insert_event(&mut tx, event, partitions).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn create_event_if_none(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<Option<(EventRow, Vec<SeatRow>)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Nodes starting together on an empty database must create one demo event, not one each:
        // this lock conflicts with itself and with inserts, so the check and the insert are atomic.
        sqlx::query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
        let any: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events)").fetch_one(&mut *tx).await?;
        if any {
            return Ok(None);
        }
        let created = insert_event(&mut tx, event, partitions).await?;
        tx.commit().await?;
        Ok(Some(created))
    }

    async fn fences(&self) -> Result<Vec<(PartitionId, Fence)>, StoreError> {
        let rows: Vec<(i32, i64)> = sqlx::query_as("SELECT id, fence FROM partitions ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(p, f)| (PartitionId(p as u32), Fence(f as u64))).collect())
    }

    async fn booking(&self, id: BookingId) -> Result<Option<BookingRow>, StoreError> {
        let row: Option<super::BookingTuple> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{BOOKING_SELECT} WHERE b.id = $1")))
                .bind(id.as_i64())
                .fetch_optional(&self.pool)
                .await?;
        row.map(booking_row).transpose()
    }

    async fn booked_at(&self, event: EventId) -> Result<Vec<(SeatId, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT seat_id, created_at FROM bookings WHERE event_id = $1 AND status = 'ACTIVE'",
        )
        .bind(event.as_i64())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(seat, at)| Ok((stored_id(SeatId::new, seat)?, at))).collect()
    }

    async fn book_with_row_lock(
        &self,
        seat: SeatId,
        user: &UserId,
        strategy: &str,
    ) -> Result<BookingRow, DirectBookingError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let row: Option<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT event_id, status, version, label FROM seats WHERE id = $1 FOR UPDATE",
        )
        .bind(seat.as_i64())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let Some((event, status, version, label)) = row else {
            return Err(DirectBookingError::SeatNotFound(seat));
        };
        if parse_status(&status)? != SeatStatus::Available {
            return Err(DirectBookingError::SeatOccupied { seat, version: version as u64 });
        }
        sqlx::query("UPDATE seats SET status = 'BOOKED', version = version + 1 WHERE id = $1")
            .bind(seat.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        let booking =
            insert_booking(&mut tx, seat, event, label, user, version + 1, strategy).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(booking)
    }

    async fn book_if_version(
        &self,
        seat: SeatId,
        expected: u64,
        user: &UserId,
        strategy: &str,
    ) -> Result<BookingRow, DirectBookingError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let updated: Option<(i64, i64, String)> = sqlx::query_as(
            "UPDATE seats SET status = 'BOOKED', version = version + 1
             WHERE id = $1 AND version = $2 AND status = 'AVAILABLE' RETURNING event_id, version, label",
        )
        .bind(seat.as_i64())
        .bind(expected as i64)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let Some((event, version, label)) = updated else {
            drop(tx);
            return Err(
                match self.load_seat(seat).await.map_err(|e| StoreError::Incompatible(e.0))? {
                    None => DirectBookingError::SeatNotFound(seat),
                    Some(record) => {
                        DirectBookingError::SeatOccupied { seat, version: record.state.version }
                    }
                },
            );
        };
        let booking = insert_booking(&mut tx, seat, event, label, user, version, strategy).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(booking)
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Inserts an active booking inside a direct-booking transaction.
async fn insert_booking(
    tx: &mut Transaction<'static, Postgres>,
    seat: SeatId,
    event: i64,
    seat_label: String,
    user: &UserId,
    seat_version: i64,
    strategy: &str,
) -> Result<BookingRow, StoreError> {
    let created_at = stored_now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bookings (seat_id, event_id, user_id, status, seat_version, strategy, created_at)
         VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6) RETURNING id",
    )
    .bind(seat.as_i64())
    .bind(event)
    .bind(user.as_str())
    .bind(seat_version)
    .bind(strategy)
    .bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    inserted_booking(id, seat, event, seat_label, user, seat_version, strategy, created_at)
}

/// Inserts an event and all its seats inside `tx`.
async fn insert_event(
    tx: &mut Transaction<'static, Postgres>,
    event: &NewEvent,
    partitions: u32,
) -> Result<(EventRow, Vec<SeatRow>), StoreError> {
    let layout = serde_json::to_string(&event.sections)
        .map_err(|e| StoreError::Incompatible(e.to_string()))?;
    let seats = event.seats();
    let (id, created_at): (i64, DateTime<Utc>) = sqlx::query_as(
        "INSERT INTO events (name, layout, seat_count) VALUES ($1, $2::jsonb, $3) RETURNING id, created_at",
    )
    .bind(&event.name)
    .bind(layout)
    .bind(seats.len() as i32)
    .fetch_one(&mut **tx)
    .await?;
    let mut ids: Vec<i64> =
        sqlx::query_scalar("SELECT nextval('seats_id_seq') FROM generate_series(1, $1)")
            .bind(seats.len() as i32)
            .fetch_all(&mut **tx)
            .await?;
    ids.sort_unstable();
    let partition_of = |id: i64| (id as u64 % u64::from(partitions)) as i32;
    sqlx::query(
        "INSERT INTO seats (id, event_id, position, section, row_number, seat_number, label, partition)
         SELECT u.id, $1, u.position, u.section, u.row_number, u.seat_number, u.label, u.partition
         FROM unnest($2::int8[], $3::int4[], $4::text[], $5::int4[], $6::int4[], $7::text[], $8::int4[])
             AS u(id, position, section, row_number, seat_number, label, partition)",
    )
    .bind(id)
    .bind(&ids)
    .bind(seats.iter().map(|s| s.position as i32).collect::<Vec<_>>())
    .bind(seats.iter().map(|s| s.section.as_str()).collect::<Vec<_>>())
    .bind(seats.iter().map(|s| s.row as i32).collect::<Vec<_>>())
    .bind(seats.iter().map(|s| s.number as i32).collect::<Vec<_>>())
    .bind(seats.iter().map(|s| s.label.as_str()).collect::<Vec<_>>())
    .bind(ids.iter().map(|&id| partition_of(id)).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;

    created_event(event, id, created_at, seats, ids)
}
