//! The fuzzing runner: `cargo run --release -p envlint-fuzz -- --target all --inputs N`.
//!
//! Why a runner of its own: it runs on stable Rust with no libFuzzer and no
//! instrumentation, so every developer and CI can run it. Each target's inputs run in
//! worker *processes* (one per thread asked for), each running its inputs one at a time on
//! a thread with the stack size of envlint's own worker threads. A panic is caught per
//! input; a stack overflow or an abort kills only the worker, which the runner notices,
//! records at the exact input it was running, and starts again after it; an input running
//! past the time limit is recorded as a hang (and its worker killed when it goes on for
//! much longer). Input `i` is a pure function of the seed, the target and `i`
//! (`envlint_fuzz::mutate::generate`), so the runner regenerates any failing input itself
//! and writes it to `fuzz/artifacts/<target>-<hash>.bin`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use envlint_fuzz::corpus::{default_root, Corpus};
use envlint_fuzz::mutate::generate;
use envlint_fuzz::rng::hash64;
use envlint_fuzz::{target, Target, EXTRA, TARGETS};

/// Fuzz envlint's parser, edit API, rules, fixer, scanners and maskers.
#[derive(Parser, Debug)]
#[command(name = "envlint-fuzz")]
struct Args {
    /// A target name (see --list), or `all`.
    #[arg(long, default_value = "all")]
    target: String,
    /// Inputs per target.
    #[arg(long, default_value_t = 100_000)]
    inputs: u64,
    /// The run's seed: the same seed gives the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker processes per target (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Longest generated input, in bytes.
    #[arg(long, default_value_t = 16 << 10)]
    max_len: usize,
    /// An input that takes the worker's peak memory past this many MiB is a failure (a
    /// blow-up: envlint promises a few hundred MB on any input). Read from
    /// `/proc/self/status`; not checked where there is none.
    #[arg(long, default_value_t = 512)]
    max_memory_mb: u64,
    /// An input running longer than this is a hang (milliseconds; default 2000, and 4000
    /// for `scan`, which runs five scanners on each input, each allowed a parse of 0.5 s
    /// or more before it falls back to a text search).
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// A worker still on one input after this long is killed and restarted after it.
    #[arg(long, default_value_t = 30_000)]
    kill_after_ms: u64,
    /// Stack of the thread running the inputs, in KiB (2048: Rust's default for spawned
    /// threads, on which envlint checks files).
    #[arg(long, default_value_t = 2048)]
    stack_kib: usize,
    /// Where failing inputs are written.
    #[arg(long)]
    artifacts: Option<PathBuf>,
    /// The repository whose test inputs seed the corpus.
    #[arg(long)]
    corpus_root: Option<PathBuf>,
    /// At most this many artifacts per distinct failure.
    #[arg(long, default_value_t = 3)]
    artifacts_per_failure: usize,
    /// Run one input file (with --target NAME) in this process and report.
    #[arg(long, value_name = "FILE")]
    reproduce: Option<PathBuf>,
    /// Shrink a failing input file (with --target NAME) to a smaller one failing alike:
    /// written next to it as FILE.min.
    #[arg(long, value_name = "FILE")]
    minimize: Option<PathBuf>,
    /// Tries --minimize may spend.
    #[arg(long, default_value_t = 3000)]
    max_tries: usize,
    /// Write input number I of this seed and target to the artifacts folder (to look at an
    /// input the run reported by its index) and stop.
    #[arg(long, value_name = "I")]
    write_input: Option<u64>,
    /// List the targets and what each checks.
    #[arg(long)]
    list: bool,
    /// Internal: run as a worker process.
    #[arg(long, hide = true)]
    worker: bool,
    /// Internal: the worker's first input.
    #[arg(long, hide = true, default_value_t = 0)]
    start: u64,
    /// Internal: the step between the worker's inputs.
    #[arg(long, hide = true, default_value_t = 1)]
    step: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for t in TARGETS {
            println!("{:<8} {}", t.name, t.about);
        }
        println!("\nNot in `all` (to tell which scanner an input troubles):");
        for t in EXTRA {
            println!("{:<8} {}", t.name, t.about);
        }
        return ExitCode::SUCCESS;
    }
    let targets: Vec<&'static Target> = if args.target == "all" {
        TARGETS.iter().collect()
    } else {
        match target(&args.target) {
            Some(t) => vec![t],
            None => {
                eprintln!("no target {:?}; --list shows them", args.target);
                return ExitCode::from(2);
            }
        }
    };
    if args.worker {
        return worker(&args, targets[0]);
    }
    if let Some(index) = args.write_input {
        let Some(t) = one_target(&targets) else {
            return ExitCode::from(2);
        };
        let corpus = corpus(&args);
        let input = generate(
            args.seed,
            t.name,
            index,
            &corpus.seeds(t.seeds),
            args.max_len,
        );
        let dir = artifacts_dir(&args);
        let path = dir.join(format!("{}-{:016x}.bin", t.name, hash64(&input)));
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &input)) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
        return ExitCode::SUCCESS;
    }
    if let Some(file) = &args.reproduce {
        return reproduce(&args, &targets, file);
    }
    if let Some(file) = &args.minimize {
        return minimize(&args, &targets, file);
    }
    run(&args, &targets)
}

/// This process's peak resident memory (`VmHWM`), in MiB, where Linux says it.
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib >> 10)
}

/// The time limit of one input of target `t`, in milliseconds (see `Args::timeout_ms`).
fn time_limit(args: &Args, t: &Target) -> u64 {
    args.timeout_ms
        .unwrap_or(if t.name == "scan" { 4000 } else { 2000 })
}

fn corpus(args: &Args) -> Corpus {
    Corpus::load(&args.corpus_root.clone().unwrap_or_else(default_root))
}

fn artifacts_dir(args: &Args) -> PathBuf {
    args.artifacts
        .clone()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts"))
}

// ---------------------------------------------------------------------------------------
// Worker process

/// Panic messages of the current input (from any thread it started).
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn install_quiet_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "<non-string panic>".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        if let Ok(mut p) = PANICS.lock() {
            p.push(format!("{location}\t{payload}"));
        }
    }));
}

/// Runs inputs `start, start + step, …` below `--inputs`, reporting on stdout:
/// `S i` before input `i`, `F i <message as JSON>` when it panicked, and at the end
/// `E <max micros> <its index>`.
fn worker(args: &Args, t: &'static Target) -> ExitCode {
    install_quiet_hook();
    let corpus = corpus(args);
    let seeds: Vec<Vec<u8>> = corpus
        .seeds(t.seeds)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    let (seed, end, max_len) = (args.seed, args.inputs, args.max_len);
    let max_memory_mb = args.max_memory_mb;
    let (start, step) = (args.start, args.step.max(1));
    let thread = std::thread::Builder::new()
        .name(format!("fuzz-{}", t.name))
        .stack_size(args.stack_kib << 10)
        .spawn(move || {
            let seeds: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
            let mut out = std::io::stdout().lock();
            let mut slowest = (0u128, 0u64);
            // The peak only grows: the first input past the limit is the one reported.
            let mut over_memory = false;
            let mut i = start;
            while i < end {
                let input = generate(seed, t.name, i, &seeds, max_len);
                // A parent gone (killed, interrupted) is the end of this worker too.
                if writeln!(out, "S {i}").and_then(|()| out.flush()).is_err() {
                    return;
                }
                if let Ok(mut p) = PANICS.lock() {
                    p.clear();
                }
                let began = Instant::now();
                let result = std::panic::catch_unwind(|| (t.run)(&input));
                let took = began.elapsed().as_micros();
                if took > slowest.0 {
                    slowest = (took, i);
                }
                let peak = peak_memory_mb();
                if result.is_ok() && peak.is_some_and(|mb| mb > max_memory_mb && !over_memory) {
                    over_memory = true;
                    let msg = format!(
                        "memory\tthe worker's peak memory passed {max_memory_mb} MiB ({} MiB)",
                        peak.unwrap_or(0)
                    );
                    let json = serde_json::to_string(&msg).unwrap_or_default();
                    let _ = writeln!(out, "F {i} {json}");
                    let _ = out.flush();
                }
                if result.is_err() {
                    let msg = PANICS
                        .lock()
                        .ok()
                        .and_then(|p| p.first().cloned())
                        .unwrap_or_else(|| "\t<panic without a message>".to_owned());
                    let json = serde_json::to_string(&msg).unwrap_or_default();
                    let _ = writeln!(out, "F {i} {json}");
                    let _ = out.flush();
                }
                i += step;
            }
            let _ = writeln!(out, "E {} {}", slowest.0, slowest.1);
            let _ = out.flush();
        });
    match thread.map(std::thread::JoinHandle::join) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        _ => ExitCode::from(3),
    }
}

// ---------------------------------------------------------------------------------------
// The run

#[derive(Debug)]
enum Event {
    Started(u64),
    Failed(u64, String),
    End(u128, u64),
    Eof,
}

struct Worker {
    child: Child,
    /// The input running now and since when.
    current: Option<(u64, Instant)>,
    timed_out: bool,
    killed: bool,
    ended: bool,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

#[derive(Debug, Clone)]
struct Failure {
    kind: &'static str,
    /// What identifies the bug: the panic's location, the crash, "timeout".
    signature: String,
    message: String,
    index: u64,
}

#[derive(Default)]
struct Totals {
    inputs: u64,
    failures: Vec<Failure>,
    slowest: (u128, u64),
}

fn spawn_worker(
    args: &Args,
    t: &Target,
    start: u64,
    step: u64,
    id: usize,
    tx: &mpsc::Sender<(usize, Event)>,
) -> std::io::Result<Worker> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.args(["--worker", "--target", t.name])
        .args(["--inputs", &args.inputs.to_string()])
        .args(["--seed", &args.seed.to_string()])
        .args(["--max-len", &args.max_len.to_string()])
        .args(["--stack-kib", &args.stack_kib.to_string()])
        .args(["--max-memory-mb", &args.max_memory_mb.to_string()])
        .args(["--start", &start.to_string()])
        .args(["--step", &step.to_string()]);
    if let Some(root) = &args.corpus_root {
        cmd.arg("--corpus-root").arg(root);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut t) = tail.lock() {
                    t.push_back(line);
                    if t.len() > 20 {
                        t.pop_front();
                    }
                }
            }
        });
    }
    let tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut parts = line.splitn(3, ' ');
            let event = match (parts.next(), parts.next(), parts.next()) {
                (Some("S"), Some(i), _) => i.parse().ok().map(Event::Started),
                (Some("F"), Some(i), Some(msg)) => i
                    .parse()
                    .ok()
                    .map(|i| Event::Failed(i, serde_json::from_str(msg).unwrap_or_default())),
                (Some("E"), Some(us), Some(i)) => {
                    Some(Event::End(us.parse().unwrap_or(0), i.parse().unwrap_or(0)))
                }
                _ => None,
            };
            if let Some(e) = event {
                if tx.send((id, e)).is_err() {
                    return;
                }
            }
        }
        let _ = tx.send((id, Event::Eof));
    });
    Ok(Worker {
        child,
        current: None,
        timed_out: false,
        killed: false,
        ended: false,
        stderr: tail,
    })
}

fn run(args: &Args, targets: &[&'static Target]) -> ExitCode {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let corpus = corpus(args);
    let dir = artifacts_dir(args);
    println!(
        "envlint-fuzz: seed {}, {} inputs per target, {} worker(s), corpus of {} env and {} source inputs, artifacts in {}",
        args.seed,
        args.inputs,
        threads,
        corpus.env.len(),
        corpus.source.len(),
        dir.display()
    );
    let mut report = Vec::new();
    let mut failed = false;
    for t in targets {
        let began = Instant::now();
        let totals = match run_target(args, t, threads) {
            Ok(totals) => totals,
            Err(e) => {
                eprintln!("{}: cannot start a worker: {e}", t.name);
                return ExitCode::from(2);
            }
        };
        let secs = began.elapsed().as_secs_f64();
        let rate = totals.inputs as f64 / secs.max(1e-9);
        println!(
            "{:<8} {:>10} inputs {:>8.1} s {:>9.0} inputs/s  slowest {:.1} ms (#{})  failures {}",
            t.name,
            totals.inputs,
            secs,
            rate,
            totals.slowest.0 as f64 / 1000.0,
            totals.slowest.1,
            totals.failures.len()
        );
        failed |= !totals.failures.is_empty();
        report_failures(args, t, &corpus, &dir, &totals.failures);
        report.push((t.name, totals.inputs, secs, rate, totals.failures.len()));
    }
    println!(
        "\n{:<8} {:>10} {:>8} {:>10} {:>8}",
        "target", "inputs", "seconds", "inputs/s", "failures"
    );
    for (name, n, secs, rate, f) in &report {
        println!("{name:<8} {n:>10} {secs:>8.1} {rate:>10.0} {f:>8}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_target(args: &Args, t: &'static Target, threads: usize) -> std::io::Result<Totals> {
    let (tx, rx) = mpsc::channel();
    let step = threads as u64;
    let mut workers: Vec<Option<Worker>> = Vec::new();
    for k in 0..threads as u64 {
        workers.push(if k < args.inputs {
            Some(spawn_worker(args, t, k, step, workers.len(), &tx)?)
        } else {
            None
        });
    }
    let timeout = Duration::from_millis(time_limit(args, t));
    let kill_after = Duration::from_millis(args.kill_after_ms.max(time_limit(args, t)));
    let mut totals = Totals::default();
    let mut last_progress = Instant::now();
    let began = Instant::now();
    while workers.iter().any(Option::is_some) {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok((id, Event::Eof)) => {
                let Some(mut w) = workers[id].take() else {
                    continue;
                };
                let status = w.child.wait();
                if w.ended {
                    continue;
                }
                let resume = w.current.map_or(id as u64, |(i, _)| i + step);
                if !w.killed {
                    // The reader of stderr may lag behind the exit; give it a moment.
                    std::thread::sleep(Duration::from_millis(50));
                    let tail: Vec<String> = w
                        .stderr
                        .lock()
                        .map(|t| t.iter().cloned().collect())
                        .unwrap_or_default();
                    let cause = tail
                        .iter()
                        .find(|l| l.contains("overflow"))
                        .or_else(|| tail.last())
                        .cloned()
                        .unwrap_or_default();
                    let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                    match w.current {
                        Some((i, _)) => totals.failures.push(Failure {
                            kind: "crash",
                            signature: format!("crash: {}", crash_kind(&cause, &status)),
                            message: format!("{status}; {}", tail.join(" | ")),
                            index: i,
                        }),
                        None => {
                            // Died before its first input: the worker itself is broken.
                            eprintln!(
                                "{}: a worker failed to start: {status}; {}",
                                t.name,
                                tail.join(" | ")
                            );
                            return Err(std::io::Error::other("worker failed to start"));
                        }
                    }
                }
                if resume < args.inputs {
                    workers[id] = Some(spawn_worker(args, t, resume, step, id, &tx)?);
                }
            }
            Ok((id, event)) => {
                let Some(w) = workers[id].as_mut() else {
                    continue;
                };
                match event {
                    Event::Started(i) => {
                        totals.inputs += 1;
                        w.current = Some((i, Instant::now()));
                        w.timed_out = false;
                    }
                    Event::Failed(i, msg) => {
                        let (location, text) = msg.split_once('\t').unwrap_or(("", &msg));
                        let memory = location == "memory";
                        totals.failures.push(Failure {
                            kind: if memory { "memory" } else { "panic" },
                            signature: if memory {
                                "memory blow-up".to_owned()
                            } else {
                                format!("panic at {location}")
                            },
                            message: text.to_owned(),
                            index: i,
                        });
                    }
                    Event::End(us, i) => {
                        w.ended = true;
                        if us > totals.slowest.0 {
                            totals.slowest = (us, i);
                        }
                    }
                    Event::Eof => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        for w in workers.iter_mut().flatten() {
            let Some((i, since)) = w.current else {
                continue;
            };
            let took = since.elapsed();
            if took > timeout && !w.timed_out {
                w.timed_out = true;
                totals.failures.push(Failure {
                    kind: "timeout",
                    signature: "timeout".to_owned(),
                    message: format!("still running after {} ms", timeout.as_millis()),
                    index: i,
                });
            }
            if took > kill_after && !w.killed && !w.ended {
                w.killed = true;
                let _ = w.child.kill();
            }
        }
        if last_progress.elapsed() > Duration::from_secs(15) {
            last_progress = Instant::now();
            let secs = began.elapsed().as_secs_f64();
            eprintln!(
                "  {}: {} inputs, {:.0}/s, {} failures",
                t.name,
                totals.inputs,
                totals.inputs as f64 / secs,
                totals.failures.len()
            );
        }
    }
    Ok(totals)
}

fn crash_kind(cause: &str, status: &str) -> String {
    if cause.contains("overflowed its stack") {
        "stack overflow".to_owned()
    } else if cause.contains("memory allocation") {
        "out of memory".to_owned()
    } else {
        status.to_owned()
    }
}

fn report_failures(args: &Args, t: &Target, corpus: &Corpus, dir: &Path, failures: &[Failure]) {
    if failures.is_empty() {
        return;
    }
    let seeds = corpus.seeds(t.seeds);
    let mut by_signature: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
    for f in failures {
        by_signature.entry(&f.signature).or_default().push(f);
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {}: {e}", dir.display());
    }
    for (signature, all) in by_signature {
        let first = all[0];
        println!(
            "  {} x{}: {signature}\n    first at input #{}: {}",
            first.kind,
            all.len(),
            first.index,
            first.message.chars().take(600).collect::<String>()
        );
        if all.len() > 1 {
            let more: Vec<String> = all
                .iter()
                .take(12)
                .map(|f| format!("#{}", f.index))
                .collect();
            println!(
                "    inputs {}{}",
                more.join(" "),
                if all.len() > 12 { " …" } else { "" }
            );
        }
        for f in all.iter().take(args.artifacts_per_failure) {
            let input = generate(args.seed, t.name, f.index, &seeds, args.max_len);
            let path = dir.join(format!("{}-{:016x}.bin", t.name, hash64(&input)));
            match std::fs::write(&path, &input) {
                Ok(()) => println!(
                    "    #{} ({} bytes) -> {}",
                    f.index,
                    input.len(),
                    path.display()
                ),
                Err(e) => eprintln!("    cannot write {}: {e}", path.display()),
            }
        }
    }
    println!(
        "  reproduce: cargo run --release -p envlint-fuzz -- --target {} --reproduce <artifact>",
        t.name
    );
}

// ---------------------------------------------------------------------------------------
// Reproducing and minimizing

fn one_target(targets: &[&'static Target]) -> Option<&'static Target> {
    match targets {
        [t] => Some(*t),
        _ => {
            eprintln!("name one target with --target");
            None
        }
    }
}

/// Runs the input in this process, on a thread like the workers', and prints
/// `RESULT ok`, or `RESULT panic <location>` after the panic's message.
fn reproduce(args: &Args, targets: &[&'static Target], file: &Path) -> ExitCode {
    let Some(t) = one_target(targets) else {
        return ExitCode::from(2);
    };
    let input = match std::fs::read(file) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut p) = PANICS.lock() {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            p.push(location);
        }
        default(info);
    }));
    let began = Instant::now();
    let outcome = std::thread::Builder::new()
        .stack_size(args.stack_kib << 10)
        .spawn(move || (t.run)(&input))
        .map(std::thread::JoinHandle::join);
    let ms = began.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        Ok(Ok(())) => {
            match peak_memory_mb() {
                Some(mb) => println!("RESULT ok ({ms:.1} ms, peak memory {mb} MiB)"),
                None => println!("RESULT ok ({ms:.1} ms)"),
            }
            if ms > time_limit(args, t) as f64 {
                println!("slower than the time limit of {} ms", time_limit(args, t));
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        _ => {
            let location = PANICS
                .lock()
                .ok()
                .and_then(|p| p.first().cloned())
                .unwrap_or_default();
            println!("RESULT panic {location}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Panic(String),
    Crash(String),
    Timeout,
}

/// Runs `input` through `--reproduce` in a child process (crashes and hangs included).
fn outcome_of(args: &Args, t: &Target, input: &[u8], scratch: &Path) -> std::io::Result<Outcome> {
    std::fs::write(scratch, input)?;
    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "--target",
            t.name,
            "--stack-kib",
            &args.stack_kib.to_string(),
        ])
        .args(["--timeout-ms", &u64::MAX.to_string()])
        .arg("--reproduce")
        .arg(scratch)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let limit = Duration::from_millis(time_limit(args, t));
    let began = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if began.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let stderr = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Ok(Outcome::Timeout);
    };
    Ok(if let Some(at) = stdout.find("RESULT panic ") {
        let rest = &stdout[at + "RESULT panic ".len()..];
        Outcome::Panic(rest.lines().next().unwrap_or_default().to_owned())
    } else if stdout.contains("RESULT ok") && status.success() {
        Outcome::Ok
    } else {
        let cause = stderr
            .lines()
            .find(|l| l.contains("overflow"))
            .unwrap_or_default();
        Outcome::Crash(crash_kind(cause, &status.to_string()))
    })
}

/// Delta debugging, simplified: remove chunks of halving sizes while the input still
/// fails the same way (same panic location, same kind of crash, or a hang).
fn minimize(args: &Args, targets: &[&'static Target], file: &Path) -> ExitCode {
    let Some(t) = one_target(targets) else {
        return ExitCode::from(2);
    };
    let mut input = match std::fs::read(file) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let scratch = file.with_extension("try");
    let outcome = |input: &[u8]| outcome_of(args, t, input, &scratch);
    let want = match outcome(&input) {
        Ok(Outcome::Ok) => {
            println!("{} does not fail {}", file.display(), t.name);
            let _ = std::fs::remove_file(&scratch);
            return ExitCode::SUCCESS;
        }
        Ok(o) => o,
        Err(e) => {
            eprintln!("cannot run a child: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{} fails {} with {want:?} ({} bytes)",
        file.display(),
        t.name,
        input.len()
    );
    let mut tries = 0;
    let mut chunk = input.len().div_ceil(2).max(1);
    'sizes: loop {
        let mut at = 0;
        while at < input.len() {
            if tries >= args.max_tries {
                break 'sizes;
            }
            tries += 1;
            let end = (at + chunk).min(input.len());
            let mut candidate = input[..at].to_vec();
            candidate.extend_from_slice(&input[end..]);
            if outcome(&candidate).is_ok_and(|o| o == want) {
                input = candidate;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    let _ = std::fs::remove_file(&scratch);
    let out = PathBuf::from(format!("{}.min", file.display()));
    if let Err(e) = std::fs::write(&out, &input) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!(
        "{} bytes after {tries} tries -> {}\n{:?}",
        input.len(),
        out.display(),
        String::from_utf8_lossy(&input)
    );
    ExitCode::SUCCESS
}
