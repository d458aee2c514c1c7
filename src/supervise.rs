//! Containment: a panic stays where it happened.
//!
//! * [`CatchUnwind`] turns a panic while polling a future into an `Err`, so
//!   one conversation turn, one Matrix event or one HTTP request that hits a
//!   bug cannot take its loop, its task or the process with it.
//! * [`supervise`] keeps a long-running task (a chat sync loop, the outbox
//!   worker, the round timer) alive: when it panics, fails, or ends while it
//!   was meant to run on, it is logged at ERROR, counted in
//!   `gather_task_restarts_total{task=…}` and started again after a
//!   [`Backoff`] that doubles up to a cap.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::watch;

/// A panic's payload as text, for logs (a `&str` or `String` payload;
/// anything else is "unknown").
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown"
    }
}

/// Replaces the default panic message on stderr with an ERROR log that
/// names where the panic happened but not its message: a panic's message
/// may quote what a person sent (a slice of their text, say), and logs
/// never carry that. For the long-running server.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(
            location,
            "panic (message withheld: it may quote a person's text)"
        );
    }));
}

/// A future whose panic is caught: `Ok` with its output, or `Err` with the
/// panic's payload. The inner future is dropped after a panic and never
/// polled again.
pub struct CatchUnwind<F> {
    inner: Option<Pin<Box<F>>>,
}

impl<F: Future> CatchUnwind<F> {
    pub fn new(future: F) -> Self {
        CatchUnwind {
            inner: Some(Box::pin(future)),
        }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(Err(Box::new("polled after a panic")));
        };
        // Unwind safety: after a panic the future is dropped, never polled
        // again, so no broken invariant inside it can be observed.
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => {
                self.inner = None;
                Poll::Ready(Ok(v))
            }
            Err(payload) => {
                self.inner = None;
                Poll::Ready(Err(payload))
            }
        }
    }
}

/// How long to wait before restarting a task: `first`, doubling each time
/// it fails again, never more than `max`. Tests pass short (or zero) waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Backoff {
    /// For the server's tasks: 1 s doubling to 5 minutes.
    pub const DEFAULT: Backoff = Backoff {
        first: Duration::from_secs(1),
        max: Duration::from_secs(300),
    };

    /// The wait before restart number `restarts` (1 for the first).
    pub fn wait(&self, restarts: u32) -> Duration {
        let doublings = restarts.saturating_sub(1).min(20);
        self.first.saturating_mul(1u32 << doublings).min(self.max)
    }
}

/// What a supervised task's run ends with: `()` (it stopped) or a `Result`.
pub trait Outcome {
    fn into_result(self) -> Result<(), String>;
}

impl Outcome for () {
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Display> Outcome for Result<(), E> {
    fn into_result(self) -> Result<(), String> {
        self.map_err(|e| e.to_string())
    }
}

/// Runs the task `start` makes until `stopped` turns true, restarting it
/// after a panic, an error, or an end that came before `stopped` (logged at
/// ERROR, counted per `task`). A run that lasted longer than `backoff.max`
/// counts as healthy: the next failure waits `backoff.first` again.
pub async fn supervise<F, Fut>(
    task: &'static str,
    backoff: Backoff,
    mut stopped: watch::Receiver<bool>,
    mut start: F,
) where
    F: FnMut() -> Fut,
    Fut: Future,
    Fut::Output: Outcome,
{
    // Stopped, or nobody left to say so.
    let done = |s: &watch::Receiver<bool>| *s.borrow() || s.has_changed().is_err();
    let mut restarts: u32 = 0;
    loop {
        if done(&stopped) {
            return;
        }
        let began = tokio::time::Instant::now();
        let why = match CatchUnwind::new(start()).await {
            Ok(out) => match out.into_result() {
                Ok(()) if done(&stopped) => return,
                Ok(()) => "ended before it was stopped".to_string(),
                Err(e) => format!("failed: {e}"),
            },
            Err(payload) => format!("panicked: {}", panic_message(payload.as_ref())),
        };
        if done(&stopped) {
            return;
        }
        if began.elapsed() > backoff.max {
            restarts = 0;
        }
        restarts = restarts.saturating_add(1);
        let wait = backoff.wait(restarts);
        crate::metrics::task_restarted(task);
        tracing::error!(task, reason = %why, ?wait, "task stopped; restarting it");
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            r = stopped.wait_for(|s| *s) => {
                let _ = r;
                return;
            }
        }
    }
}

/// Spawns [`supervise`] on the runtime.
pub fn spawn<F, Fut>(
    task: &'static str,
    backoff: Backoff,
    stopped: watch::Receiver<bool>,
    start: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: Outcome,
{
    tokio::spawn(supervise(task, backoff, stopped, start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(10),
        };
        let waits: Vec<u64> = (1..=6).map(|n| b.wait(n).as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 10, 10]);
        assert_eq!(b.wait(u32::MAX), Duration::from_secs(10));
        assert_eq!(Backoff::DEFAULT.wait(100), Duration::from_secs(300));
    }

    #[tokio::test]
    async fn a_panic_is_caught() {
        let r = CatchUnwind::new(async {
            tokio::task::yield_now().await;
            if true {
                panic!("boom");
            }
        })
        .await;
        assert_eq!(panic_message(r.unwrap_err().as_ref()), "boom");
        assert_eq!(CatchUnwind::new(async { 7 }).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_task_that_panics_or_fails_is_restarted_until_stopped() {
        let (stop, stopped) = watch::channel(false);
        let runs = Arc::new(AtomicU32::new(0));
        let before = crate::metrics::task_restarts("test-supervised");
        let r = runs.clone();
        let stop = Arc::new(stop);
        let s = stop.clone();
        supervise(
            "test-supervised",
            Backoff {
                first: Duration::ZERO,
                max: Duration::ZERO,
            },
            stopped,
            move || {
                let n = r.fetch_add(1, Ordering::SeqCst) + 1;
                let s = s.clone();
                async move {
                    match n {
                        1 => panic!("first run panics"),
                        2 => Err("second run fails"),
                        3 => Ok(()), // ends on its own: restarted too
                        _ => {
                            let _ = s.send(true);
                            Ok(())
                        }
                    }
                }
            },
        )
        .await;
        assert_eq!(runs.load(Ordering::SeqCst), 4);
        assert_eq!(crate::metrics::task_restarts("test-supervised") - before, 3);
    }
}
