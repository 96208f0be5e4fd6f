//! The change feed: where every committed seat change goes, whichever strategy committed it. It
//! applies the change to this node's seat view, which tells the event's stream clients, and, in a
//! cluster, queues it for the other nodes ([`RedisFeed`]). It never blocks the committer.

use std::sync::Arc;

use boxoffice_actors::EventId;
use boxoffice_actors::journal::{ChangeSink, SeatChanged};

use crate::cluster::feed::RedisFeed;
use crate::view::SeatView;

pub struct ChangeFeed {
    view: Arc<SeatView>,
    remote: Option<Arc<RedisFeed>>,
}

impl ChangeFeed {
    pub fn new(view: Arc<SeatView>, remote: Option<Arc<RedisFeed>>) -> Self {
        Self { view, remote }
    }

    /// Tells the other nodes about a new event (this node's view already has it).
    pub fn event_created(&self, event: EventId) {
        if let Some(remote) = &self.remote {
            remote.event_created(event);
        }
    }
}

impl ChangeSink for ChangeFeed {
    fn publish(&self, changes: &[SeatChanged]) {
        for change in changes {
            self.view.apply(change);
        }
        if let Some(remote) = &self.remote {
            remote.publish(changes);
        }
    }
}
