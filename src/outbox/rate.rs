//! Per-sender rate limit: providers allow about one message a second per
//! long code. Each key (a sending number) gets evenly spaced slots, so the
//! drain runs at the limit and never above it.

use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next_free: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    /// `per_second` messages a second per key (e.g. 1.0).
    pub fn new(per_second: f64) -> Self {
        let per_second = if per_second.is_finite() && per_second > 0.0 {
            per_second
        } else {
            1.0
        };
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next_free: Mutex::new(HashMap::new()),
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits for the next slot for `key` and takes it.
    pub async fn acquire(&self, key: &str) {
        let slot = {
            let mut map = self.next_free.lock().await;
            let now = Instant::now();
            let slot = map.get(key).copied().filter(|t| *t > now).unwrap_or(now);
            map.insert(key.to_string(), slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paused time: the clock jumps instead of sleeping, so the test is
    // exact and instant.
    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_per_key() {
        let r = RateLimiter::new(2.0);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..5 {
            r.acquire("+441234").await;
            times.push(Instant::now() - start);
        }
        let ms: Vec<u128> = times.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, vec![0, 500, 1000, 1500, 2000]);
        // Another number has its own budget.
        let before = Instant::now();
        r.acquire("+449999").await;
        assert_eq!(Instant::now(), before);
    }
}
