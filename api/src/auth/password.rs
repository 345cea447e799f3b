//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
//! Both functions are slow on purpose: call them on the blocking pool. The hashing itself runs
//! on a few dedicated threads (half the CPUs, at least one), whatever the number of logins in
//! flight: the others wait their turn without holding a database connection, so a burst of
//! logins cannot starve the reads that share the blocking pool and the cores; and only those
//! threads' allocators ever hold argon2's 19 MiB (run on any blocking thread, each kept its own
//! copy: 700 MB of RSS after a few seconds of logins).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
fn hashing_queue() -> &'static Mutex<Sender<Job>> {
    static QUEUE: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = channel::<Job>();
        let receiver: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(receiver));
        for i in 0..hashing_slots() {
            let receiver = Arc::clone(&receiver);
            let _ = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
        }
        Mutex::new(sender)
    })
}

/// Runs `work` on a hashing thread and waits for it; inline if those threads are gone.
fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = channel();
    let work = Arc::new(Mutex::new(Some(work)));
    let queued = Arc::clone(&work);
    let job: Job = Box::new(move || {
        if let Some(work) = queued.lock().ok().and_then(|mut w| w.take()) {
            let _ = done.send(work());
        }
    });
    let sent = hashing_queue()
        .lock()
        .map(|queue| queue.send(job).is_ok())
        .unwrap_or(false);
    if sent {
        if let Ok(value) = result.recv() {
            return value;
        }
    }
    let work = work.lock().ok().and_then(|mut w| w.take());
    match work {
        Some(work) => work(),
        // The job ran and took `work`, but its answer was lost (a panic while hashing).
        None => panic!("password hashing failed"),
    }
}

/// Half the CPUs, at least one.
fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

fn hasher() -> Argon2<'static> {
    // The parameters are constants that argon2 accepts; default() is only a fallback.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let password = password.to_owned();
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        Ok(hasher()
            .hash_password(password.as_bytes(), &salt)?
            .to_string())
    })
}

/// Whether `password` matches `stored`. A stored hash that cannot be parsed never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    if PasswordHash::new(stored).is_err() {
        return false;
    }
    let (password, stored) = (password.to_owned(), stored.to_owned());
    on_hashing_thread(move || match PasswordHash::new(&stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_with_owasp_parameters() {
        let hashed = hash("correct horse battery").unwrap_or_default();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(verify("correct horse battery", &hashed));
        assert!(!verify("wrong horse battery", &hashed));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn no_more_hashes_run_at_once_than_there_are_hashing_threads() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                std::thread::spawn(move || {
                    on_hashing_thread(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap_or_default();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=hashing_slots()).contains(&most), "{most} at once");
    }
}
