//! The progress bar on standard error while a run lasts: requests answered, their rate, and what
//! is left. There is none when standard error is not a terminal (piped, in CI) or with
//! `--no-progress`, so that logs and `--json` output stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the bar is redrawn even when no request completes.
const TICK: Duration = Duration::from_millis(200);

/// A bar over `requests`, or a counter against the clock when `duration` bounds the run.
pub fn bar(requests: u64, duration: Option<Duration>, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (length, template) = match duration {
        Some(_) => (None, "{spinner} {human_pos} requests  {per_sec:0}  {elapsed} of {msg}"),
        None => (Some(requests), "[{bar:40}] {human_pos}/{human_len}  {per_sec:0}  eta {eta}"),
    };
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    if let Some(duration) = duration {
        bar.set_message(format!("{duration:?}"));
    }
    bar.enable_steady_tick(TICK);
    bar
}
