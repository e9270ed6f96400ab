//! The socket hot paths make no heap allocation per call once warm: a counting allocator
//! (per thread, so the test harness does not interfere) watches `recvmsg` with ancillary space.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sockbridge::core::mode::Mode;
use sockbridge::core::socket::Socket;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(|c| c.get())
}

#[test]
fn recvmsg_with_ancillary_space_does_not_allocate_per_call() {
    let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_DGRAM, 0, Mode::Blocking).unwrap();
    let mut buf = [0u8; 64];
    for _ in 0..3 {
        a.send(&mut &b"warm"[..], 0).unwrap();
        b.recv_msg(&mut buf[..], 256, 0).unwrap();
    }
    let before = allocations();
    for _ in 0..100 {
        a.send(&mut &b"ping"[..], 0).unwrap();
        let got = b.recv_msg(&mut buf[..], 256, 0).unwrap();
        assert_eq!(&buf[..got.len], b"ping");
    }
    assert_eq!(
        allocations() - before,
        0,
        "allocations in 100 recvmsg calls"
    );
}
