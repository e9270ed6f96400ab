//! The pure-Rust floor for sockbridge's benchmarks, and the echo load generator.
//!
//! Subcommands (each prints one line of JSON):
//! - `udp-rtt SECONDS`: 64-byte UDP ping-pong between two sockets in one thread, both with a
//!   5 s read timeout (the "timeout mode" the Python and Java cases use): microseconds per round trip.
//! - `tcp-stream SECONDS`: one loopback connection, a writer thread sending 256 KiB blocks and
//!   a reader receiving into a 256 KiB buffer: MB/s (10^6 bytes).
//! - `echo-load PORT CLIENTS SECONDS SIZE`: CLIENTS connections to an echo server, each a
//!   blocking thread sending SIZE bytes and reading them back in a loop; requests/s and latency
//!   percentiles over the measured window (after a warm-up of a quarter of SECONDS).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> f64 {
        args.get(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| usage())
    };
    match args.first().map(String::as_str) {
        Some("udp-rtt") => udp_rtt(arg(1)),
        Some("tcp-stream") => tcp_stream(arg(1)),
        Some("echo-load") => echo_load(arg(1) as u16, arg(2) as usize, arg(3), arg(4) as usize),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: sockbridge-bench udp-rtt SECONDS | tcp-stream SECONDS | echo-load PORT CLIENTS SECONDS SIZE");
    std::process::exit(2)
}

fn udp_rtt(seconds: f64) {
    let a = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let b = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for s in [&a, &b] {
        s.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
    }
    let addr_b = b.local_addr().expect("addr");
    let msg = [b'x'; 64];
    let mut buf = [0u8; 2048];
    let mut once = || {
        a.send_to(&msg, addr_b).expect("send");
        let (n, from) = b.recv_from(&mut buf).expect("recv");
        b.send_to(&buf[..n], from).expect("send");
        a.recv_from(&mut buf).expect("recv");
    };
    for _ in 0..2000 {
        once();
    }
    let (n, elapsed) = timed(seconds, 256, &mut once);
    println!("{{\"value\": {:.3}}}", elapsed * 1e6 / n as f64);
}

/// Runs `f` in batches of `batch` until `seconds` have passed: (calls, seconds taken).
fn timed(seconds: f64, batch: u64, f: &mut dyn FnMut()) -> (u64, f64) {
    let start = Instant::now();
    let mut n = 0u64;
    loop {
        for _ in 0..batch {
            f();
        }
        n += batch;
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed >= seconds {
            return (n, elapsed);
        }
    }
}

fn tcp_stream(seconds: f64) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let mut client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (mut server, _) = listener.accept().expect("accept");
    let reader = thread::spawn(move || {
        let mut buf = vec![0u8; 262144];
        let mut total = 0u64;
        loop {
            let n = server.read(&mut buf).expect("read");
            if n == 0 {
                return total;
            }
            total += n as u64;
        }
    });
    let block = vec![b'y'; 262144];
    // Warm-up: a tenth of the time, not counted (the reader counts it, so it is subtracted).
    let warm_until = Instant::now() + Duration::from_secs_f64(seconds / 10.0);
    let mut warm = 0u64;
    while Instant::now() < warm_until {
        client.write_all(&block).expect("write");
        warm += block.len() as u64;
    }
    let start = Instant::now();
    let mut sent = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        client.write_all(&block).expect("write");
        sent += block.len() as u64;
    }
    client.shutdown(Shutdown::Write).expect("shutdown");
    let total = reader.join().expect("reader");
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(total, warm + sent);
    println!("{{\"value\": {:.3}}}", sent as f64 / elapsed / 1e6);
}

fn echo_load(port: u16, clients: usize, seconds: f64, size: usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(clients + 1));
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (stop, measuring, ready) = (stop.clone(), measuring.clone(), ready.clone());
        threads.push(thread::spawn(move || {
            let conn = TcpStream::connect(("127.0.0.1", port));
            ready.wait();
            let mut conn = match conn {
                Ok(c) => c,
                Err(e) => return Err(format!("connect: {e}")),
            };
            conn.set_nodelay(true).ok();
            conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
            let msg = vec![b'e'; size];
            let mut buf = vec![0u8; size];
            let mut latencies: Vec<u32> = Vec::with_capacity(1 << 16);
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                conn.write_all(&msg).map_err(|e| format!("send: {e}"))?;
                conn.read_exact(&mut buf)
                    .map_err(|e| format!("recv: {e}"))?;
                if measuring.load(Ordering::Relaxed) {
                    latencies.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                }
            }
            Ok(latencies)
        }));
    }
    ready.wait();
    thread::sleep(Duration::from_secs_f64(seconds / 4.0));
    measuring.store(true, Ordering::Relaxed);
    let start = Instant::now();
    thread::sleep(Duration::from_secs_f64(seconds));
    measuring.store(false, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut all: Vec<u32> = Vec::new();
    let mut errors = Vec::new();
    for t in threads {
        match t.join().expect("client thread") {
            Ok(l) => all.extend(l),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        println!(
            "{{\"error\": \"{} of {} clients failed, first: {}\"}}",
            errors.len(),
            clients,
            errors[0].replace('"', "'")
        );
        return;
    }
    all.sort_unstable();
    let pct = |p: f64| -> u32 {
        if all.is_empty() {
            0
        } else {
            all[((all.len() - 1) as f64 * p).round() as usize]
        }
    };
    println!(
        "{{\"value\": {:.1}, \"p50_us\": {}, \"p99_us\": {}, \"requests\": {}}}",
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        all.len()
    );
}
