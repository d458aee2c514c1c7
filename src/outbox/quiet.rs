//! Quiet hours: messages that are not a direct reply wait until morning.

use crate::domain::Timestamp;
use chrono::{NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
    tz: Tz,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuietHoursError {
    #[error("quiet hours must look like 21:00-08:00, got `{0}`")]
    Format(String),
    #[error("unknown time zone `{0}`")]
    TimeZone(String),
}

impl QuietHours {
    /// `"21:00-08:00"` in `"Europe/London"`. An empty spec or `"off"` means
    /// no quiet hours.
    pub fn parse(spec: &str, tz: &str) -> Result<Option<QuietHours>, QuietHoursError> {
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (a, b) = spec
            .split_once('-')
            .ok_or_else(|| QuietHoursError::Format(spec.into()))?;
        let parse = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| QuietHoursError::Format(spec.into()))
        };
        let tz: Tz = tz
            .parse()
            .map_err(|_| QuietHoursError::TimeZone(tz.into()))?;
        let (start, end) = (parse(a)?, parse(b)?);
        if start == end {
            return Err(QuietHoursError::Format(spec.into()));
        }
        Ok(Some(QuietHours { start, end, tz }))
    }

    /// `None` if a message may go now; otherwise when quiet hours end.
    pub fn next_allowed(&self, now: Timestamp) -> Option<Timestamp> {
        let utc = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(now.0)?;
        let local = utc.with_timezone(&self.tz);
        let t = local.time().with_nanosecond(0)?;
        let quiet = if self.start < self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        };
        if !quiet {
            return None;
        }
        // Quiet ends at `end` today if that is still ahead, else tomorrow.
        let mut day = local.date_naive();
        if t >= self.end {
            day = day.succ_opt()?;
        }
        let end_local = day.and_time(self.end);
        // On a DST change the wall time may be ambiguous or missing: take
        // the earliest valid instant after it.
        let resolved = self
            .tz
            .from_local_datetime(&end_local)
            .earliest()
            .or_else(|| {
                self.tz
                    .from_local_datetime(&(end_local + chrono::Duration::hours(1)))
                    .earliest()
            })?;
        Some(Timestamp(resolved.timestamp_millis()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn london_winter_and_summer() {
        let q = QuietHours::parse("21:00-08:00", "Europe/London")
            .unwrap()
            .unwrap();
        // Winter: London = UTC.
        assert_eq!(q.next_allowed(at("2026-01-05T12:00:00Z")), None);
        assert_eq!(
            q.next_allowed(at("2026-01-05T22:30:00Z")),
            Some(at("2026-01-06T08:00:00Z"))
        );
        assert_eq!(
            q.next_allowed(at("2026-01-06T03:00:00Z")),
            Some(at("2026-01-06T08:00:00Z"))
        );
        // Summer: London = UTC+1, so 20:30 UTC is 21:30 local.
        assert_eq!(
            q.next_allowed(at("2026-07-01T20:30:00Z")),
            Some(at("2026-07-02T07:00:00Z"))
        );
        assert_eq!(q.next_allowed(at("2026-07-01T19:30:00Z")), None);
    }

    #[test]
    fn daytime_window_and_off() {
        let q = QuietHours::parse("12:00-13:00", "UTC").unwrap().unwrap();
        assert_eq!(
            q.next_allowed(at("2026-01-05T12:30:00Z")),
            Some(at("2026-01-05T13:00:00Z"))
        );
        assert!(QuietHours::parse("off", "UTC").unwrap().is_none());
        assert!(QuietHours::parse("9pm-8am", "UTC").is_err());
        assert!(QuietHours::parse("21:00-08:00", "Mars/Base").is_err());
    }
}
