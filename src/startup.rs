//! Building and running the application. [`Application::build`] opens the store, takes the
//! partitions, loads the seat view, starts the engine and binds the listener (port 0 in tests);
//! [`Application::run_until_stopped`] serves until the shutdown token fires, then stops in order:
//! stop accepting → finish in-flight requests → stop the actors → flush the committers → release
//! the leases → close the store.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{Engine, EngineConfig, EnginePorts};
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;

use crate::booking::BookingService;
use crate::config::{DEFAULT_PARTITIONS, ServeArgs};
use crate::feed::ChangeFeed;
use crate::http::{self, AppState, Readiness, Streams};
use crate::layout::demo_event;
use crate::leases::{Leases, LocalLeases};
use crate::limits::{LISTEN_BACKLOG, SHUTDOWN_GRACE};
use crate::store::{self, Store};
use crate::view::SeatView;

pub struct Application {
    listener: TcpListener,
    router: Router,
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    view: Arc<SeatView>,
    leases: Arc<dyn Leases>,
    shutdown: CancellationToken,
}

impl Application {
    pub async fn build(config: ServeArgs) -> anyhow::Result<Self> {
        config.validate()?;
        if config.redis_url.is_some() {
            anyhow::bail!("cluster mode (--redis-url) is not available in this version yet");
        }
        let node_id = config.node_id();
        let store = store::open(&config.database_url).await.with_context(|| {
            format!("cannot open the database {}", redact(&config.database_url))
        })?;
        let partitions = store.init_partitions(config.partitions, DEFAULT_PARTITIONS).await?;
        let ownership = Arc::new(Ownership::new(partitions));
        let leases: Arc<dyn Leases> =
            Arc::new(LocalLeases::acquire(store.as_ref(), ownership.clone(), &node_id).await?);

        let view = Arc::new(SeatView::new(config.stream_buffer));
        for event in store.events().await? {
            let seats = store.seats(event.id).await?;
            view.add_event(event, seats);
        }
        if view.events().is_empty() && !config.no_demo {
            let (event, seats) = store.create_event(&demo_event(), partitions).await?;
            tracing::info!(event = %event.id, "created the demo event");
            view.add_event(event, seats);
        }

        let feed = Arc::new(ChangeFeed::new(view.clone()));
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
        let shutdown = CancellationToken::new();
        let bookings =
            Arc::new(BookingService::new(engine.clone(), store.clone(), view.clone(), feed));
        let state = AppState {
            bookings,
            view: view.clone(),
            store: store.clone(),
            readiness: Arc::new(Readiness { ownership }),
            streams: Arc::new(Streams::new(config.stream_clients_max, shutdown.clone())),
            partitions,
            admin_token: config.admin_token.as_deref().map(Arc::from),
            seed_lock: Arc::default(),
        };
        let router = http::router(state, Some(config.ui_dir.clone()));
        let listener =
            bind(config.listen).with_context(|| format!("cannot listen on {}", config.listen))?;
        tracing::info!(
            address = %listener.local_addr()?,
            node = node_id,
            database = redact(&config.database_url),
            partitions,
            "boxoffice is listening"
        );
        Ok(Self { listener, router, engine, store, view, leases, shutdown })
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
        self.leases.release_all().await;
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
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
