//! The change feed across nodes: committed seat changes (and newly created events) travel through
//! one Redis stream, `{prefix}:changes`, so every node's seat view and stream clients see what
//! every other node committed.
//!
//! - **Publishing never blocks a commit.** Changes go into a bounded queue; one task writes them to
//!   the stream in batches (`XADD … MAXLEN ~`). While Redis is down it keeps retrying the batch
//!   it holds; if the queue overflows meanwhile, it appends a `resync` entry once Redis is back,
//!   which makes every node reconcile from the database.
//! - **Reading resumes where it stopped.** Each node reads the stream with `XREAD BLOCK` from the
//!   last id it saw, on a connection of its own. Before the first read, and after any period in
//!   which it could not read, it reconciles its seat view from the database; while Redis stays
//!   unreachable it reconciles once a second. So a lost or missed message leaves a node stale for
//!   about a second at most.
//! - Applying is idempotent: the seat view takes a change only if its version is newer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use boxoffice_actors::journal::SeatChanged;
use boxoffice_actors::{EventId, SeatId, SeatStatus};
use redis::aio::ConnectionManager;
use redis::streams::StreamReadReply;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Keys;
use crate::store::Store;
use crate::view::SeatView;

/// Changes waiting to be written to Redis. Past it, changes are dropped from the feed (never
/// from the database) and every node is told to reconcile.
pub const FEED_QUEUE_MAX: usize = 65_536;

/// Changes written in one stream entry.
const ENTRY_CHANGES_MAX: usize = 512;

/// Entries the stream keeps (approximately): far more than a node falls behind by.
const STREAM_LENGTH_MAX: usize = 100_000;

/// How long one `XREAD` waits for new entries.
const READ_BLOCK: Duration = Duration::from_millis(500);

/// How often a node that cannot read the stream reconciles from the database.
const RECONCILE_EVERY: Duration = Duration::from_secs(1);

/// What travels through the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedItem {
    Seat(SeatChanged),
    EventCreated(EventId),
}

pub struct RedisFeed {
    queue: mpsc::Sender<FeedItem>,
    /// The queue overflowed: the stream missed changes, so readers must reconcile.
    overflowed: Arc<AtomicBool>,
}

/// The reading side: applies what other nodes committed.
struct Reader {
    redis: ConnectionManager,
    keys: Keys,
    node_id: String,
    store: Arc<dyn Store>,
    view: Arc<SeatView>,
}

impl RedisFeed {
    /// Starts the publishing and reading tasks. `reader_redis` must be a connection of its own:
    /// a blocking `XREAD` holds its connection.
    pub fn start(
        publisher_redis: ConnectionManager,
        reader_redis: ConnectionManager,
        keys: Keys,
        node_id: String,
        store: Arc<dyn Store>,
        view: Arc<SeatView>,
        stop: CancellationToken,
    ) -> Arc<Self> {
        let (queue, receiver) = mpsc::channel(FEED_QUEUE_MAX);
        let overflowed = Arc::new(AtomicBool::new(false));
        tokio::spawn(publish_loop(
            publisher_redis,
            keys.clone(),
            node_id.clone(),
            receiver,
            overflowed.clone(),
            stop.clone(),
        ));
        let reader = Reader { redis: reader_redis, keys, node_id, store, view };
        tokio::spawn(reader.run(stop));
        Arc::new(Self { queue, overflowed })
    }

    /// Queues committed changes for the other nodes. Never blocks.
    pub fn publish(&self, changes: &[SeatChanged]) {
        for change in changes {
            self.offer(FeedItem::Seat(*change));
        }
    }

    /// Tells the other nodes about a new event, so their seat views add it.
    pub fn event_created(&self, event: EventId) {
        self.offer(FeedItem::EventCreated(event));
    }

    /// Waits (bounded) until every queued change was handed to Redis (graceful shutdown).
    pub async fn flush(&self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while self.queue.capacity() < self.queue.max_capacity()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn offer(&self, item: FeedItem) {
        if self.queue.try_send(item).is_err() {
            self.overflowed.store(true, Ordering::Relaxed);
        }
    }
}

async fn publish_loop(
    mut redis: ConnectionManager,
    keys: Keys,
    node_id: String,
    mut receiver: mpsc::Receiver<FeedItem>,
    overflowed: Arc<AtomicBool>,
    stop: CancellationToken,
) {
    let stream = keys.changes();
    let mut batch = Vec::with_capacity(ENTRY_CHANGES_MAX);
    loop {
        batch.clear();
        let received = tokio::select! {
            received = receiver.recv_many(&mut batch, ENTRY_CHANGES_MAX) => received,
            () = stop.cancelled() => return,
        };
        if received == 0 {
            return;
        }
        let payload = encode(&batch);
        let mut backoff = Duration::from_millis(50);
        loop {
            let written: redis::RedisResult<String> = redis::cmd("XADD")
                .arg(&stream)
                .arg("MAXLEN")
                .arg("~")
                .arg(STREAM_LENGTH_MAX)
                .arg("*")
                .arg("n")
                .arg(&node_id)
                .arg("c")
                .arg(&payload)
                .query_async(&mut redis)
                .await;
            match written {
                Ok(_) => break,
                Err(error) => {
                    metrics::counter!("boxoffice_redis_errors_total").increment(1);
                    tracing::debug!(%error, "cannot publish changes; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        () = stop.cancelled() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
            }
        }
        if overflowed.swap(false, Ordering::Relaxed) {
            let marked: redis::RedisResult<String> = redis::cmd("XADD")
                .arg(&stream)
                .arg("*")
                .arg("n")
                .arg(&node_id)
                .arg("resync")
                .arg(1)
                .query_async(&mut redis)
                .await;
            if marked.is_err() {
                overflowed.store(true, Ordering::Relaxed);
            }
        }
    }
}

impl Reader {
    async fn run(mut self, stop: CancellationToken) {
        // Where to read from next. The stream's end is read *before* the first reconcile, so
        // nothing committed between the two is missed.
        let mut last_id: Option<String> = None;
        let mut last_reconcile: Option<Instant> = None;
        // Set after a failed read: what was missed meanwhile is reconciled on the next success.
        let mut recovering = false;
        while !stop.is_cancelled() {
            let Some(from) = last_id.clone() else {
                match self.stream_end().await {
                    Ok(end) => {
                        self.reconcile().await;
                        last_reconcile = Some(Instant::now());
                        last_id = Some(end);
                    }
                    Err(error) => self.unreachable(&error, &mut last_reconcile, &stop).await,
                }
                continue;
            };
            let read = tokio::select! {
                read = self.read_after(&from) => read,
                () = stop.cancelled() => return,
            };
            match read {
                Ok(entries) => {
                    if recovering {
                        self.reconcile().await;
                        last_reconcile = Some(Instant::now());
                        recovering = false;
                    }
                    for (id, entry) in entries {
                        self.apply(entry).await;
                        last_id = Some(id);
                    }
                }
                Err(error) => {
                    recovering = true;
                    self.unreachable(&error, &mut last_reconcile, &stop).await;
                }
            }
        }
    }

    /// Redis cannot be read: reconcile from the database at most once a second, and wait a bit.
    async fn unreachable(
        &self,
        error: &redis::RedisError,
        last_reconcile: &mut Option<Instant>,
        stop: &CancellationToken,
    ) {
        metrics::counter!("boxoffice_redis_errors_total").increment(1);
        tracing::debug!(%error, "cannot read the change feed");
        if last_reconcile.is_none_or(|at| at.elapsed() >= RECONCILE_EVERY) {
            self.reconcile().await;
            *last_reconcile = Some(Instant::now());
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
            () = stop.cancelled() => {}
        }
    }

    /// The id of the stream's last entry (`0-0` for an empty stream).
    async fn stream_end(&mut self) -> redis::RedisResult<String> {
        let last: Vec<(String, Vec<(String, String)>)> = redis::cmd("XREVRANGE")
            .arg(self.keys.changes())
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(1)
            .query_async(&mut self.redis)
            .await?;
        Ok(last.into_iter().next().map_or_else(|| "0-0".to_owned(), |(id, _)| id))
    }

    /// Entries after `from`, waiting up to [`READ_BLOCK`] for some. Own entries are skipped.
    async fn read_after(&mut self, from: &str) -> redis::RedisResult<Vec<(String, Entry)>> {
        let reply: Option<StreamReadReply> = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(1_000)
            .arg("BLOCK")
            .arg(READ_BLOCK.as_millis() as u64)
            .arg("STREAMS")
            .arg(self.keys.changes())
            .arg(from)
            .query_async(&mut self.redis)
            .await?;
        let mut entries = Vec::new();
        for key in reply.map(|r| r.keys).unwrap_or_default() {
            for stream_id in key.ids {
                let origin: Option<String> = stream_id.get("n");
                let entry = if stream_id.contains_key("resync") {
                    Entry::Resync
                } else if origin.as_deref() == Some(self.node_id.as_str()) {
                    Entry::Own
                } else {
                    Entry::Items(
                        stream_id.get::<String>("c").map(|c| decode(&c)).unwrap_or_default(),
                    )
                };
                entries.push((stream_id.id, entry));
            }
        }
        Ok(entries)
    }

    async fn apply(&self, entry: Entry) {
        match entry {
            Entry::Own => {}
            Entry::Resync => self.reconcile().await,
            Entry::Items(items) => {
                for item in items {
                    match item {
                        FeedItem::Seat(change) => {
                            self.view.apply(&change);
                        }
                        FeedItem::EventCreated(event) => self.add_event(event).await,
                    }
                }
            }
        }
    }

    async fn add_event(&self, event: EventId) {
        if self.view.event(event).is_some() {
            return;
        }
        let loaded = async {
            let row = self.store.events().await?.into_iter().find(|e| e.id == event);
            match row {
                Some(row) => Ok(Some((row, self.store.seats(event).await?))),
                None => Ok::<_, crate::store::StoreError>(None),
            }
        };
        match loaded.await {
            Ok(Some((row, seats))) => {
                self.view.add_event(row, seats);
            }
            Ok(None) => tracing::warn!(%event, "announced event is not in the database"),
            Err(error) => tracing::warn!(%event, %error, "cannot load an announced event"),
        }
    }

    /// Brings the seat view up to the database: new events are added, every seat's newer
    /// state is applied (and streamed to this node's clients).
    async fn reconcile(&self) {
        let started = Instant::now();
        let events = match self.store.events().await {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(%error, "cannot reconcile the seat view");
                return;
            }
        };
        let mut applied = 0;
        for event in events {
            let id = event.id;
            let seats = match self.store.seats(id).await {
                Ok(seats) => seats,
                Err(error) => {
                    tracing::warn!(%id, %error, "cannot reconcile an event");
                    continue;
                }
            };
            if self.view.event(id).is_none() {
                self.view.add_event(event, seats);
            } else {
                applied += self.view.refresh(&seats);
            }
        }
        tracing::debug!(applied, elapsed = ?started.elapsed(), "seat view reconciled from the database");
    }
}

/// One stream entry as the reader sees it.
#[derive(Debug)]
enum Entry {
    /// Written by this node: its changes are already applied.
    Own,
    /// Some node dropped changes: reconcile.
    Resync,
    Items(Vec<FeedItem>),
}

/// `s{seat},{event},{status},{version}` and `e{event}`, separated by `;`. Compact and
/// versionless on purpose: a node that cannot read an item skips it.
fn encode(items: &[FeedItem]) -> String {
    let mut out = String::with_capacity(items.len() * 24);
    for item in items {
        if !out.is_empty() {
            out.push(';');
        }
        match item {
            FeedItem::Seat(change) => {
                let status = if change.status.is_booked() { 'B' } else { 'A' };
                out.push_str(&format!(
                    "s{},{},{status},{}",
                    change.seat, change.event, change.version
                ));
            }
            FeedItem::EventCreated(event) => out.push_str(&format!("e{event}")),
        }
    }
    out
}

fn decode(text: &str) -> Vec<FeedItem> {
    text.split(';').filter_map(decode_item).collect()
}

fn decode_item(item: &str) -> Option<FeedItem> {
    if let Some(event) = item.strip_prefix('e') {
        return EventId::parse(event).ok().map(FeedItem::EventCreated);
    }
    let mut fields = item.strip_prefix('s')?.split(',');
    let seat = SeatId::parse(fields.next()?).ok()?;
    let event = EventId::parse(fields.next()?).ok()?;
    let status = match fields.next()? {
        "B" => SeatStatus::Booked,
        "A" => SeatStatus::Available,
        _ => return None,
    };
    let version = fields.next()?.parse().ok()?;
    Some(FeedItem::Seat(SeatChanged { event, seat, status, version }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_items_round_trip_and_garbage_is_skipped() {
        let items = vec![
            FeedItem::Seat(SeatChanged {
                event: EventId::new(3).unwrap(),
                seat: SeatId::new(42).unwrap(),
                status: SeatStatus::Booked,
                version: 7,
            }),
            FeedItem::EventCreated(EventId::new(9).unwrap()),
        ];
        let text = encode(&items);
        assert_eq!(text, "s42,3,B,7;e9");
        assert_eq!(decode(&text), items);
        assert_eq!(decode("s1,2,X,3;zz;e0;s5,1,A,2").len(), 1);
    }
}
