//! Bar charts as inline SVG, drawn on the server (no chart library, no
//! script), each with its numbers in a table for screen readers and for
//! copying.

use super::page;
use maud::{Markup, html};

/// One bar: its label, the label's language (a language name is written
/// in its own language), and its value.
pub struct Bar {
    pub label: String,
    pub lang: Option<String>,
    pub value: i64,
}

const WIDTH: i64 = 640;
const LABEL_W: i64 = 190;
const BAR_AREA: i64 = 380;
const ROW_H: i64 = 28;

/// A horizontal bar chart. `id` must be unique on the page.
pub fn bar_chart(id: &str, caption: &str, unit: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW_H * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let cap_id = format!("{id}-cap");
    html! {
        figure.chart id=(id) {
            figcaption id=(cap_id) { (caption) }
            @if bars.is_empty() {
                p.hint { "No data yet." }
            } @else {
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) }
                    width=(WIDTH) height=(height) role="img" aria-labelledby=(cap_id) {
                    @for (n, b) in bars.iter().enumerate() {
                        @let y = i64::try_from(n).unwrap_or(0) * ROW_H + 4;
                        @let w = if b.value > 0 { (b.value * BAR_AREA / max).max(2) } else { 0 };
                        text.label x=(LABEL_W - 8) y=(y + 15) text-anchor="end" lang=[b.lang.as_deref()] { (b.label) }
                        rect.bar x=(LABEL_W) y=(y) width=(w) height="20" rx="2" {}
                        text.value x=(LABEL_W + w + 6) y=(y + 15) { (b.value) }
                    }
                }
                details {
                    summary { "The numbers" }
                    table {
                        thead { tr { th scope="col" { "" } th scope="col" { (unit) } } }
                        tbody {
                            @for b in bars {
                                tr {
                                    th scope="row" lang=[b.lang.as_deref()] dir=[b.lang.as_deref().map(page::dir)] { (b.label) }
                                    td { (b.value) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale() {
        let m = bar_chart(
            "c",
            "People",
            "people",
            &[
                Bar {
                    label: "<script>x</script>".into(),
                    lang: None,
                    value: 10,
                },
                Bar {
                    label: "sms".into(),
                    lang: None,
                    value: 5,
                },
            ],
        )
        .into_string();
        assert!(!m.contains("<script>"));
        assert!(m.contains(r#"width="380""#), "{m}");
        assert!(m.contains(r#"width="190""#), "{m}");
    }
}
