//! Building and running the application. [`Application::build`] opens the store, takes the
//! partitions, loads the seat view, starts the engine and binds the listener (port 0 in tests);
//! [`Application::run_until_stopped`] serves until the shutdown token fires, then stops in order:
//! stop accepting → finish in-flight requests (streams end) → stop the actors → flush the
//! committers → release the leases → publish the last changes → close the store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{Engine, EngineConfig, EnginePorts};
use redis::aio::ConnectionManager;
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;

use crate::booking::{BookingService, ClusterParts};
use crate::cluster::feed::RedisFeed;
use crate::cluster::leases::{LeaseHost, RedisLeases};
use crate::cluster::lock::SeatLocks;
use crate::cluster::routing::Forwarder;
use crate::cluster::{self, Keys, NodeInfo, REDIS_RESPONSE_TIMEOUT};
use crate::config::{DEFAULT_PARTITIONS, ServeArgs};
use crate::feed::ChangeFeed;
use crate::http::{self, AppState, Readiness, Streams};
use crate::layout::demo_event;
use crate::leases::{Leases, LocalLeases};
use crate::limits::{FEED_FLUSH_WAIT, LISTEN_BACKLOG, SHUTDOWN_GRACE};
use crate::store::{self, Store};
use crate::view::SeatView;

pub struct Application {
    listener: TcpListener,
    router: Router,
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    view: Arc<SeatView>,
    leases: Arc<dyn Leases>,
    cluster: Option<Cluster>,
    shutdown: CancellationToken,
}

/// The cluster-mode parts that must be stopped in order.
struct Cluster {
    feed: Arc<RedisFeed>,
    /// Stops the lease loop (before the leases are released).
    leases_stop: CancellationToken,
    /// Stops the change feed's tasks (after the last changes were published).
    feed_stop: CancellationToken,
}

impl Application {
    pub async fn build(config: ServeArgs) -> anyhow::Result<Self> {
        config.validate()?;
        crate::telemetry::metrics::handle();
        let store = store::open(&config.database_url).await.with_context(|| {
            format!("cannot open the database {}", redact(&config.database_url))
        })?;
        let partitions = store.init_partitions(config.partitions, DEFAULT_PARTITIONS).await?;
        let ownership = Arc::new(Ownership::new(partitions));
        let view = Arc::new(SeatView::new(config.stream_buffer));
        load_view(store.as_ref(), &view, &config, partitions).await?;
        // Bound before anything announces this node, so the advertised URL has the real port.
        let listener =
            bind(config.listen).with_context(|| format!("cannot listen on {}", config.listen))?;
        let node = NodeInfo {
            id: config.node_id(),
            url: match &config.advertise_url {
                Some(url) => url.clone(),
                None => format!("http://{}", listener.local_addr()?),
            },
        };

        let redis = match &config.redis_url {
            Some(url) => Some(RedisConnections::open(url)?),
            None => None,
        };
        let keys = Keys::new(&config.redis_prefix);
        let leases_stop = CancellationToken::new();
        let feed_stop = CancellationToken::new();
        let remote_feed = redis.as_ref().map(|redis| {
            RedisFeed::start(
                redis.publisher.clone(),
                redis.reader.clone(),
                keys.clone(),
                node.id.clone(),
                store.clone(),
                view.clone(),
                feed_stop.clone(),
            )
        });
        let feed = Arc::new(ChangeFeed::new(view.clone(), remote_feed.clone()));
        let mut engine_config = EngineConfig::default();
        engine_config.committer.committers = config.committers;
        let engine = Engine::start(
            EnginePorts {
                journal: store.clone(),
                source: view.clone(),
                changes: feed.clone(),
                ownership: ownership.clone(),
            },
            engine_config,
        );

        let (leases, cluster_parts, cluster): (Arc<dyn Leases>, _, _) = match (&redis, remote_feed)
        {
            (Some(redis), Some(remote_feed)) => {
                let redis_leases = Arc::new(RedisLeases::new(
                    redis.commands.clone(),
                    keys.clone(),
                    node.clone(),
                    Duration::from_millis(config.lease_ttl_ms),
                    LeaseHost {
                        engine: engine.clone(),
                        store: store.clone(),
                        view: view.clone(),
                        feed: remote_feed.clone(),
                    },
                ));
                tokio::spawn(redis_leases.clone().run(leases_stop.clone()));
                let secret = config.cluster_secret.as_deref().unwrap_or_default();
                let parts = ClusterParts {
                    forwarder: Forwarder::new(redis_leases.clone(), secret)
                        .context("cannot build the HTTP client that forwards bookings")?,
                    locks: SeatLocks::new(redis.locks.clone(), keys.clone(), &node.id),
                };
                let cluster = Cluster { feed: remote_feed, leases_stop, feed_stop };
                (redis_leases, Some(parts), Some(cluster))
            }
            _ => {
                let local =
                    LocalLeases::acquire(store.as_ref(), ownership.clone(), &node.id).await?;
                (Arc::new(local), None, None)
            }
        };

        let shutdown = CancellationToken::new();
        let bookings = Arc::new(BookingService::new(
            engine.clone(),
            store.clone(),
            view.clone(),
            feed.clone(),
            cluster_parts,
        ));
        let state = AppState {
            bookings,
            view: view.clone(),
            store: store.clone(),
            feed,
            readiness: Arc::new(Readiness {
                ownership,
                redis: redis.as_ref().map(|r| r.commands.clone()),
            }),
            streams: Arc::new(Streams::new(config.stream_clients_max, shutdown.clone())),
            partitions,
            admin_token: config.admin_token.as_deref().map(Arc::from),
            cluster_secret: config.cluster_secret.as_deref().map(Arc::from),
        };
        let router = http::router(state, Some(config.ui_dir.clone()));
        tracing::info!(
            address = %listener.local_addr()?,
            node = node.id,
            advertised = node.url,
            database = redact(&config.database_url),
            cluster = config.redis_url.is_some(),
            partitions,
            "boxoffice is listening"
        );
        Ok(Self { listener, router, engine, store, view, leases, cluster, shutdown })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// Cancel it to stop the server gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    pub fn view(&self) -> &Arc<SeatView> {
        &self.view
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(self.shutdown.clone().cancelled_owned())
            .await
            .context("the HTTP server failed")?;
        tracing::info!("no more requests in flight; stopping the engine");
        self.engine.shutdown(SHUTDOWN_GRACE).await;
        if let Some(cluster) = &self.cluster {
            cluster.leases_stop.cancel();
        }
        self.leases.release_all().await;
        if let Some(cluster) = &self.cluster {
            cluster.feed.flush(FEED_FLUSH_WAIT).await;
            cluster.feed_stop.cancel();
        }
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The node's Redis connections. Each is one multiplexed connection, and commands on one queue
/// behind each other, so lease renewals get a connection of their own (a flash crowd of seat
/// locks must never delay them past the self-stop), as do the seat locks, the feed's writer and
/// its blocking reader (a blocking read holds its connection).
struct RedisConnections {
    /// Leases, owner lookups, readiness.
    commands: ConnectionManager,
    locks: ConnectionManager,
    publisher: ConnectionManager,
    reader: ConnectionManager,
}

impl RedisConnections {
    fn open(url: &str) -> anyhow::Result<Self> {
        let open = |timeout| {
            cluster::connect(url, timeout)
                .with_context(|| format!("invalid --redis-url {}", redact(url)))
        };
        Ok(Self {
            commands: open(REDIS_RESPONSE_TIMEOUT)?,
            locks: open(REDIS_RESPONSE_TIMEOUT)?,
            publisher: open(REDIS_RESPONSE_TIMEOUT)?,
            reader: open(REDIS_RESPONSE_TIMEOUT * 3)?,
        })
    }
}

/// Loads every event into the seat view, creating the demo event on an empty database.
async fn load_view(
    store: &dyn Store,
    view: &SeatView,
    config: &ServeArgs,
    partitions: u32,
) -> anyhow::Result<()> {
    for event in store.events().await? {
        let seats = store.seats(event.id).await?;
        view.add_event(event, seats);
    }
    if view.events().is_empty() && !config.no_demo {
        match store.create_event_if_none(&demo_event(), partitions).await? {
            Some((event, seats)) => {
                tracing::info!(event = %event.id, "created the demo event");
                view.add_event(event, seats);
            }
            // Another node created it a moment ago.
            None => {
                for event in store.events().await? {
                    let seats = store.seats(event.id).await?;
                    view.add_event(event, seats);
                }
            }
        }
    }
    Ok(())
}

/// Binds with a deep accept queue: a flash crowd opens thousands of connections at once.
fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// A database URL without its password, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(redact("postgres://bo:secret@db:5432/bo"), "postgres://bo:***@db:5432/bo");
        assert_eq!(redact("postgres://bo@db/bo"), "postgres://bo@db/bo");
        assert_eq!(redact("sqlite://./data/boxoffice.db"), "sqlite://./data/boxoffice.db");
    }
}
