//! The threads that compute figures (reports, dashboards, the follow-up of escapes).
//!
//! Figures are computed a few at a time (`AppState::figures`), but on the runtime's
//! blocking threads, each of the many that do database work would in turn compute one
//! and keep, in its allocator's heap, the memory its rows took: measured at month end
//! at scale 0.1, a server's memory rose to 580 MB within the first minute. Here as many
//! threads as figures are computed at once do it all, and reuse that memory.

use crate::error::AppError;
use std::sync::{mpsc, Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

pub struct FigureThreads {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl FigureThreads {
    /// `n` threads, ended when the last holder of this is dropped.
    pub fn new(n: usize) -> FigureThreads {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..n.max(1) {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("figures-{i}"))
                .spawn(move || loop {
                    let job = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok(job) = job else {
                        return; // the server is gone
                    };
                    // A panic fails its own request (its answer is never sent), not
                    // the thread.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "a thread to compute figures could not start");
            }
        }
        FigureThreads {
            jobs: Mutex::new(jobs),
        }
    }

    /// Runs `f` on one of the threads and waits for its result.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(f());
        });
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| AppError::Internal("the threads computing figures ended".into()))?;
        answered
            .await
            .map_err(|_| AppError::Internal("computing figures failed".into()))?
    }
}
