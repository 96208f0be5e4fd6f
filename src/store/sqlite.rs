//! The embedded SQLite store, the default when no database is configured. WAL mode with
//! `synchronous = FULL`, so a commit that returned survives a crash of the process or the machine.
//! SQLite allows one writer at a time, so every write goes through a pool of one connection and
//! takes the write lock at `BEGIN IMMEDIATE`; reads use a separate pool. A batch commits with three
//! set-based statements (fence check, versioned update, booking insert) whose rows travel as JSON.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use boxoffice_actors::journal::{CommitBatch, Journal, JournalError, WriteOutcome, stored_now};
use boxoffice_actors::{
    BookingId, EventId, Fence, PartitionId, SeatId, SeatRecord, SeatState, SeatStatus, UserId,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::{
    Backend, BookingRow, DirectBookingError, EventRow, PoolConnections, SeatRow, Store, StoreError,
    booking_row, created_event, inserted_booking, migrations, parse_status, settle_partitions,
    stored_id,
};
use crate::layout::NewEvent;
use crate::limits::DB_ACQUIRE_TIMEOUT;

/// Readers at once; WAL lets them run beside the writer.
const READERS_MAX: u32 = 4;

/// How long a statement waits for SQLite's own lock (another process on the same file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the file a `sqlite://path` URL names, and migrates it.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            create_dir(dir)?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(DB_ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        migrations::sqlite().run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS_MAX)
            .acquire_timeout(DB_ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Self { writer, reader })
    }

    async fn write_transaction(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

fn create_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        StoreError::Incompatible(format!("cannot create the directory {}: {e}", dir.display()))
    })
}

const SEAT_SELECT: &str = "SELECT id, event_id, position, section, row_number, seat_number, label, status, version FROM seats";

type SeatTuple = (i64, i64, i64, String, i64, i64, String, String, i64);

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
FROM bookings b JOIN seats s ON s.id = b.seat_id WHERE b.id = ?1";

fn journal_error(error: sqlx::Error) -> JournalError {
    JournalError(error.to_string())
}

#[async_trait]
impl Journal for SqliteStore {
    async fn commit(&self, batch: &CommitBatch) -> Result<Vec<WriteOutcome>, JournalError> {
        let mut tx = self.write_transaction().await.map_err(journal_error)?;

        let fences: Vec<_> = batch.fences.iter().map(|(p, f)| json!([p.0, f.0])).collect();
        let fenced_ok: Vec<(i64,)> = sqlx::query_as(
            "SELECT p.id FROM partitions p JOIN json_each(?1) j
             ON p.id = json_extract(j.value, '$[0]') AND p.fence = json_extract(j.value, '$[1]')",
        )
        .bind(serde_json::Value::Array(fences).to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(journal_error)?;
        let fenced_ok: HashSet<u32> = fenced_ok.into_iter().map(|(p,)| p as u32).collect();

        let updates: Vec<_> = batch
            .writes
            .iter()
            .filter(|w| fenced_ok.contains(&w.partition.0))
            .map(|w| json!([w.seat.as_i64(), w.expected_version, w.version, w.status.as_str()]))
            .collect();
        let updated: Vec<(i64,)> = sqlx::query_as(
            "UPDATE seats SET status = j.status, version = j.version
             FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS expected,
                          json_extract(value, '$[2]') AS version, json_extract(value, '$[3]') AS status
                   FROM json_each(?1)) AS j
             WHERE seats.id = j.id AND seats.version = j.expected
             RETURNING seats.id",
        )
        .bind(serde_json::Value::Array(updates).to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(journal_error)?;
        let updated: HashSet<i64> = updated.into_iter().map(|(id,)| id).collect();

        let new_bookings: Vec<_> = batch
            .writes
            .iter()
            .filter(|w| updated.contains(&w.seat.as_i64()))
            .filter_map(|w| {
                let user = w.booking_for.as_ref()?;
                Some(json!([w.seat.as_i64(), w.event.as_i64(), user.as_str(), w.version]))
            })
            .collect();
        let mut bookings: HashMap<i64, i64> = HashMap::new();
        if !new_bookings.is_empty() {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "INSERT INTO bookings (seat_id, event_id, user_id, status, seat_version, strategy, created_at)
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                        'ACTIVE', json_extract(value, '$[3]'), 'ACTOR', ?2
                 FROM json_each(?1)
                 RETURNING seat_id, id",
            )
            .bind(serde_json::Value::Array(new_bookings).to_string())
            .bind(batch.committed_at)
            .fetch_all(&mut *tx)
            .await
            .map_err(journal_error)?;
            bookings.extend(rows);
        }
        tx.commit().await.map_err(journal_error)?;

        batch
            .writes
            .iter()
            .map(|write| {
                let seat = write.seat.as_i64();
                Ok(if !fenced_ok.contains(&write.partition.0) {
                    WriteOutcome::Fenced
                } else if updated.contains(&seat) {
                    let booking = bookings.get(&seat).map(|&id| BookingId::new(id)).transpose();
                    WriteOutcome::Committed { booking: booking.map_err(|e| JournalError(e.0))? }
                } else {
                    WriteOutcome::VersionMismatch
                })
            })
            .collect()
    }

    async fn load_seat(&self, seat: SeatId) -> Result<Option<SeatRecord>, JournalError> {
        // Read through the writer: a reader connection could lag one commit behind in WAL mode.
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT event_id, status, version FROM seats WHERE id = ?1")
                .bind(seat.as_i64())
                .fetch_optional(&self.writer)
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
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn pool_connections(&self) -> PoolConnections {
        PoolConnections::of(&self.writer).plus(PoolConnections::of(&self.reader))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn init_partitions(
        &self,
        requested: Option<u32>,
        default: u32,
    ) -> Result<u32, StoreError> {
        let mut tx = self.write_transaction().await?;
        let stored: i64 =
            sqlx::query_scalar("SELECT count(*) FROM partitions").fetch_one(&mut *tx).await?;
        let count = settle_partitions(stored as u32, requested, default)?;
        if stored == 0 {
            sqlx::query(
                "WITH RECURSIVE p(id) AS (SELECT 0 UNION ALL SELECT id + 1 FROM p WHERE id + 1 < ?1)
                 INSERT INTO partitions (id) SELECT id FROM p",
            )
            .bind(count as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(count)
    }

    async fn bump_all_fences(&self, node: &str) -> Result<Vec<(PartitionId, Fence)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE partitions SET fence = fence + 1, owner = ?1, updated_at = ?2 RETURNING id, fence",
        )
        .bind(node)
        .bind(stored_now())
        .fetch_all(&self.writer)
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
            "UPDATE partitions SET fence = ?2, owner = ?3, updated_at = ?4 WHERE id = ?1 AND fence < ?2",
        )
        .bind(i64::from(partition.0))
        .bind(fence.0 as i64)
        .bind(node)
        .bind(stored_now())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn events(&self) -> Result<Vec<EventRow>, StoreError> {
        let rows: Vec<(i64, String, String, DateTime<Utc>)> =
            sqlx::query_as("SELECT id, name, layout, created_at FROM events ORDER BY id")
                .fetch_all(&self.reader)
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
            "{SEAT_SELECT} WHERE event_id = ?1 ORDER BY position"
        )))
        .bind(event.as_i64())
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(seat_row).collect()
    }

    async fn partition_seats(&self, partition: PartitionId) -> Result<Vec<SeatRow>, StoreError> {
        let rows: Vec<SeatTuple> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SEAT_SELECT} WHERE partition = ?1")))
                .bind(i64::from(partition.0))
                .fetch_all(&self.writer)
                .await?;
        rows.into_iter().map(seat_row).collect()
    }

    async fn create_event(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<(EventRow, Vec<SeatRow>), StoreError> {
        let mut tx = self.write_transaction().await?;
        let created = insert_event(&mut tx, event, partitions).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn create_event_if_none(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<Option<(EventRow, Vec<SeatRow>)>, StoreError> {
        // BEGIN IMMEDIATE holds the write lock: the check and the insert are atomic.
        let mut tx = self.write_transaction().await?;
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
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, fence FROM partitions ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.into_iter().map(|(p, f)| (PartitionId(p as u32), Fence(f as u64))).collect())
    }

    async fn booking(&self, id: BookingId) -> Result<Option<BookingRow>, StoreError> {
        let row: Option<super::BookingTuple> =
            sqlx::query_as(BOOKING_SELECT).bind(id.as_i64()).fetch_optional(&self.reader).await?;
        row.map(booking_row).transpose()
    }

    async fn booked_at(&self, event: EventId) -> Result<Vec<(SeatId, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT seat_id, created_at FROM bookings WHERE event_id = ?1 AND status = 'ACTIVE'",
        )
        .bind(event.as_i64())
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(|(seat, at)| Ok((stored_id(SeatId::new, seat)?, at))).collect()
    }

    async fn book_with_row_lock(
        &self,
        seat: SeatId,
        user: &UserId,
        strategy: &str,
    ) -> Result<BookingRow, DirectBookingError> {
        // SQLite has no row locks: BEGIN IMMEDIATE takes the database's write lock instead.
        let mut tx = self.write_transaction().await.map_err(StoreError::from)?;
        let row: Option<(i64, String, i64, String)> =
            sqlx::query_as("SELECT event_id, status, version, label FROM seats WHERE id = ?1")
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
        sqlx::query("UPDATE seats SET status = 'BOOKED', version = version + 1 WHERE id = ?1")
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
        let mut tx = self.write_transaction().await.map_err(StoreError::from)?;
        let current: Option<(i64, String, i64, String)> =
            sqlx::query_as("SELECT event_id, status, version, label FROM seats WHERE id = ?1")
                .bind(seat.as_i64())
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let Some((event, status, version, label)) = current else {
            return Err(DirectBookingError::SeatNotFound(seat));
        };
        if version as u64 != expected || parse_status(&status)? != SeatStatus::Available {
            return Err(DirectBookingError::SeatOccupied { seat, version: version as u64 });
        }
        sqlx::query("UPDATE seats SET status = 'BOOKED', version = version + 1 WHERE id = ?1")
            .bind(seat.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        let booking =
            insert_booking(&mut tx, seat, event, label, user, version + 1, strategy).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(booking)
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// Inserts an active booking inside a direct-booking transaction.
async fn insert_booking(
    tx: &mut Transaction<'static, Sqlite>,
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
         VALUES (?1, ?2, ?3, 'ACTIVE', ?4, ?5, ?6) RETURNING id",
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

/// Inserts an event and all its seats inside `tx`, which holds the write lock.
async fn insert_event(
    tx: &mut Transaction<'static, Sqlite>,
    event: &NewEvent,
    partitions: u32,
) -> Result<(EventRow, Vec<SeatRow>), StoreError> {
    let layout = serde_json::to_string(&event.sections)
        .map_err(|e| StoreError::Incompatible(e.to_string()))?;
    let seats = event.seats();
    let created_at = stored_now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (name, layout, seat_count, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(&event.name)
    .bind(layout)
    .bind(seats.len() as i64)
    .bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    // The write lock is held: nobody else allocates seat ids until this commits.
    let last: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM seats").fetch_one(&mut **tx).await?;
    let rows: Vec<_> = seats
        .iter()
        .enumerate()
        .map(|(index, seat)| {
            let seat_id = last + 1 + index as i64;
            json!([
                seat_id,
                seat.position,
                seat.section,
                seat.row,
                seat.number,
                seat.label,
                seat_id as u64 % u64::from(partitions)
            ])
        })
        .collect();
    sqlx::query(
        "INSERT INTO seats (id, event_id, position, section, row_number, seat_number, label, partition)
         SELECT json_extract(value, '$[0]'), ?1, json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
                json_extract(value, '$[6]')
         FROM json_each(?2)",
    )
    .bind(id)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut **tx)
    .await?;

    let ids = (0..seats.len() as i64).map(|index| last + 1 + index).collect();
    created_event(event, id, created_at, seats, ids)
}
