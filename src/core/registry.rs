//! Opaque handles: Java holds a `long` naming a slot plus a generation, never a pointer.
//!
//! A handle is `generation << 32 | index`, with generation in `1..2^31`, so every live handle is
//! a positive `long` and `0` is never valid. A stale handle (its slot reused or freed) or a forged
//! one resolves to [`Error::Closed`], which the facade reports as `EBADF`.

use std::sync::{Arc, RwLock};

use super::error::{Error, Result};

/// A table of shared objects addressed by handles.
pub struct Registry<T> {
    slots: RwLock<Slots<T>>,
}

struct Slots<T> {
    entries: Vec<Slot<T>>,
    free: Vec<u32>,
}

struct Slot<T> {
    generation: u32,
    item: Option<Arc<T>>,
}

const MAX_GENERATION: u32 = (1 << 31) - 1;

impl<T> Registry<T> {
    /// An empty registry (usable in a `static`).
    pub const fn new() -> Registry<T> {
        Registry {
            slots: RwLock::new(Slots {
                entries: Vec::new(),
                free: Vec::new(),
            }),
        }
    }

    /// Stores `item` and returns its new handle.
    pub fn insert(&self, item: T) -> i64 {
        let mut slots = self.slots.write().unwrap_or_else(|e| e.into_inner());
        let item = Some(Arc::new(item));
        let index = match slots.free.pop() {
            Some(i) => {
                slots.entries[i as usize].item = item;
                i
            }
            None => {
                slots.entries.push(Slot {
                    generation: 1,
                    item,
                });
                (slots.entries.len() - 1) as u32
            }
        };
        let generation = slots.entries[index as usize].generation;
        (i64::from(generation) << 32) | i64::from(index)
    }

    /// The object behind `handle`, kept alive for as long as the caller holds the `Arc`.
    ///
    /// Hold the `Arc` for one call only and keep no other strong reference (a long-lived holder,
    /// such as a TLS session, keeps a `Weak`): for sockets, a strong reference beyond the
    /// registry's own *is* an in-flight call; `Socket::detach` waits for them to end, and the
    /// fd is closed only when the last one is dropped, so its number is never reused under a
    /// running call. The Java `Cleaner` and `close()` both go through [`Registry::remove`],
    /// which wakes nothing by itself: the caller then closes or detaches the object.
    pub fn get(&self, handle: i64) -> Result<Arc<T>> {
        let (generation, index) = split(handle)?;
        let slots = self.slots.read().unwrap_or_else(|e| e.into_inner());
        match slots.entries.get(index) {
            Some(Slot {
                generation: g,
                item: Some(item),
            }) if *g == generation => Ok(Arc::clone(item)),
            _ => Err(Error::Closed),
        }
    }

    /// Takes the object out of the registry: later lookups of `handle` fail with `Closed`.
    /// The object itself lives on until every in-flight `Arc` is dropped.
    pub fn remove(&self, handle: i64) -> Result<Arc<T>> {
        let (generation, index) = split(handle)?;
        let mut slots = self.slots.write().unwrap_or_else(|e| e.into_inner());
        let slot = match slots.entries.get_mut(index) {
            Some(slot) if slot.generation == generation && slot.item.is_some() => slot,
            _ => return Err(Error::Closed),
        };
        let item = slot.item.take().expect("checked above");
        slot.generation = if slot.generation >= MAX_GENERATION {
            1
        } else {
            slot.generation + 1
        };
        slots.free.push(index as u32);
        Ok(item)
    }

    /// How many objects are registered now.
    pub fn len(&self) -> usize {
        let slots = self.slots.read().unwrap_or_else(|e| e.into_inner());
        slots.entries.len() - slots.free.len()
    }

    /// True when nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry::new()
    }
}

fn split(handle: i64) -> Result<(u32, usize)> {
    let generation = (handle >> 32) as u32;
    if handle <= 0 || generation == 0 || generation > MAX_GENERATION {
        return Err(Error::Closed);
    }
    Ok((generation, (handle & 0xffff_ffff) as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_forged_and_zero_handles_are_closed() {
        let r = Registry::new();
        let h = r.insert(5u8);
        assert!(h > 0);
        assert_eq!(*r.get(h).unwrap(), 5);
        for bad in [0, -1, i64::MIN, i64::MAX, h + 1, h ^ (1 << 40)] {
            assert_eq!(r.get(bad).unwrap_err(), Error::Closed, "handle {bad:#x}");
        }
        let held = r.get(h).unwrap();
        r.remove(h).unwrap();
        assert_eq!(r.get(h).unwrap_err(), Error::Closed);
        assert_eq!(r.remove(h).unwrap_err(), Error::Closed);
        assert_eq!(*held, 5, "in-flight users keep the object alive");
        let h2 = r.insert(6u8);
        assert_ne!(h, h2, "a reused slot gets a new generation");
        assert_eq!(r.get(h).unwrap_err(), Error::Closed);
        assert_eq!(r.len(), 1);
    }
}
