//! The chart of `boxoffice bench` (SVG, plotters): bars of throughput (above) and of p99 latency
//! (below, on a log scale: the strategies differ by orders of magnitude) for each scenario, one
//! bar per strategy, the HTTP ceiling as a bar of its own.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::BenchError;
use super::report::{Report, thousands};
use super::suite::Step;
use crate::booking::Strategy;

const SIZE: (u32, u32) = (1100, 820);
/// The scenarios shown, left to right.
const GROUPS: [Step; 5] =
    [Step::Ceiling, Step::HotSeat, Step::HotSeatTaken, Step::Distinct, Step::Flash];
/// The lowest latency drawn (the log scale has no zero).
const LATENCY_FLOOR_MS: f64 = 0.1;
const CEILING_COLOR: RGBColor = RGBColor(150, 150, 150);
const COLORS: [RGBColor; 3] =
    [RGBColor(31, 119, 180), RGBColor(214, 39, 40), RGBColor(255, 127, 14)];

/// What one panel shows of a run.
#[derive(Clone, Copy)]
enum Measure {
    Throughput,
    P99,
}

pub fn draw(path: &Path, report: &Report) -> Result<(), BenchError> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_error)?;
    let (top, bottom) = root.split_vertically(SIZE.1 / 2);
    panel(&top, report, Measure::Throughput)?;
    panel(&bottom, report, Measure::P99)?;
    root.present().map_err(chart_error)
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    report: &Report,
    measure: Measure,
) -> Result<(), BenchError> {
    let strategies: Vec<Strategy> = {
        let mut seen = Vec::new();
        for run in &report.runs {
            if let Some(strategy) = run.strategy
                && !seen.contains(&strategy)
            {
                seen.push(strategy);
            }
        }
        seen
    };
    // Each group: a one-slot gap, then two slots per strategy; labels sit at the middle.
    let bars = strategies.len().max(1) as u32;
    let group_slots = 1 + 2 * bars;
    let slots = GROUPS.len() as u32 * group_slots + 1;
    let center = |group: usize| group as u32 * group_slots + 1 + bars;
    let value = |step: Step, strategy: Option<Strategy>| {
        let summary = report.find(step, strategy)?;
        Some(match measure {
            Measure::Throughput => summary.throughput_rps,
            Measure::P99 => (summary.latency.p99_us as f64 / 1_000.0).max(LATENCY_FLOOR_MS),
        })
    };
    let all: Vec<f64> =
        report.runs.iter().filter_map(|run| value(run.step, run.strategy)).collect();
    // Headroom for the value labels (and, above, the legend): on the log scale a decade.
    let highest = all.iter().copied().fold(1.0, f64::max);
    let top = match measure {
        Measure::Throughput => highest * 1.35,
        Measure::P99 => highest * 10.0,
    };
    let label = |x: &u32| {
        GROUPS
            .iter()
            .enumerate()
            .find(|(g, _)| center(*g) == *x)
            .map_or(String::new(), |(_, step)| step.label().to_owned())
    };
    let caption = match measure {
        Measure::Throughput => "Throughput, requests/s (higher is better)",
        Measure::P99 => "Latency p99, ms, log scale (lower is better)",
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(80);

    // The panels' y axes are of different types (linear, log): each builds its own chart.
    match measure {
        Measure::Throughput => {
            let mut chart =
                builder.build_cartesian_2d(0u32..slots, 0f64..top).map_err(chart_error)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .x_labels(slots as usize + 1)
                .x_label_formatter(&label)
                .y_label_formatter(&|y| thousands(*y))
                .draw()
                .map_err(chart_error)?;
            draw_bars(&mut chart, &strategies, 0.0, value, center, thousands)?;
        }
        Measure::P99 => {
            let mut chart = builder
                .build_cartesian_2d(0u32..slots, (LATENCY_FLOOR_MS..top).log_scale())
                .map_err(chart_error)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .x_labels(slots as usize + 1)
                .x_label_formatter(&label)
                .y_label_formatter(&|y| format!("{y}"))
                .draw()
                .map_err(chart_error)?;
            draw_bars(&mut chart, &strategies, LATENCY_FLOOR_MS, value, center, |v| {
                format!("{v:.1}")
            })?;
        }
    }
    Ok(())
}

/// The bars of one panel, a legend entry per strategy, each bar's value above it.
fn draw_bars<'a, Y>(
    chart: &mut ChartContext<
        'a,
        SVGBackend<'a>,
        Cartesian2d<plotters::coord::types::RangedCoordu32, Y>,
    >,
    strategies: &[Strategy],
    floor: f64,
    value: impl Fn(Step, Option<Strategy>) -> Option<f64>,
    center: impl Fn(usize) -> u32,
    text: impl Fn(f64) -> String,
) -> Result<(), BenchError>
where
    Y: Ranged<ValueType = f64>,
{
    let style = ("sans-serif", 11).into_font();
    let mut series = vec![(None, CEILING_COLOR, "HTTP ceiling (GET /health/live)".to_owned())];
    for (i, strategy) in strategies.iter().enumerate() {
        series.push((Some(*strategy), COLORS[i % COLORS.len()], strategy.as_str().to_owned()));
    }
    let bars = strategies.len().max(1) as u32;
    for (k, (strategy, color, name)) in series.into_iter().enumerate() {
        let mut rects = Vec::new();
        let mut labels = Vec::new();
        for (g, &step) in GROUPS.iter().enumerate() {
            let wanted = (step == Step::Ceiling) == strategy.is_none();
            let Some(v) = value(step, strategy).filter(|_| wanted) else { continue };
            let left = match strategy {
                None => center(g) - 1,
                Some(_) => center(g) - bars + 2 * (k as u32 - 1),
            };
            rects.push(Rectangle::new([(left, floor), (left + 2, v)], color.filled()));
            labels.push(Text::new(text(v), (left, v), style.clone()));
        }
        // Nothing measured, no legend entry.
        if rects.is_empty() {
            continue;
        }
        chart
            .draw_series(rects)
            .map_err(chart_error)?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        chart.draw_series(labels).map_err(chart_error)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(chart_error)
}

fn chart_error(error: impl std::fmt::Display) -> BenchError {
    BenchError::Output(format!("cannot draw the chart: {error}"))
}
