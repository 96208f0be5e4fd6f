//! The change feed: where every committed seat change goes, whichever strategy committed it. It
//! applies the change to this node's seat view, which tells the event's stream clients. It never
//! blocks the committer.

use std::sync::Arc;

use boxoffice_actors::journal::{ChangeSink, SeatChanged};

use crate::view::SeatView;

pub struct ChangeFeed {
    view: Arc<SeatView>,
}

impl ChangeFeed {
    pub fn new(view: Arc<SeatView>) -> Self {
        Self { view }
    }
}

impl ChangeSink for ChangeFeed {
    fn publish(&self, changes: &[SeatChanged]) {
        for change in changes {
            self.view.apply(change);
        }
    }
}
