//! Per-client limits of the miner's public API: at most `max` requests of one client (IP
//! address) in flight at once; more get `429 Too Many Requests`, so one client cannot fill the
//! engine's public queue for everyone (the queue itself answers `503` when full).

use std::{
	collections::HashMap,
	net::IpAddr,
	sync::{Arc, Mutex},
};

/// Requests in flight per client.
#[derive(Clone)]
pub struct ClientLimits {
	in_flight: Arc<Mutex<HashMap<IpAddr, usize>>>,
	max: usize,
}

/// A request admitted for `client`; dropping it frees the slot.
pub struct Admitted {
	limits: ClientLimits,
	client: IpAddr,
}

impl ClientLimits {
	/// At most `max` requests in flight per client.
	pub fn new(max: usize) -> Self {
		Self { in_flight: Arc::new(Mutex::new(HashMap::new())), max }
	}

	/// A slot for `client`, unless it has `max` requests in flight already.
	pub fn admit(&self, client: IpAddr) -> Option<Admitted> {
		let mut in_flight =
			self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
		let count = in_flight.entry(client).or_insert(0);
		if *count >= self.max {
			return None;
		}
		*count = count.saturating_add(1);
		Some(Admitted { limits: self.clone(), client })
	}
}

impl Drop for Admitted {
	fn drop(&mut self) {
		let mut in_flight =
			self.limits.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
		if let Some(count) = in_flight.get_mut(&self.client) {
			*count = count.saturating_sub(1);
			if *count == 0 {
				in_flight.remove(&self.client);
			}
		}
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;

	#[test]
	fn a_client_gets_at_most_max_slots_and_others_are_unaffected() {
		let limits = ClientLimits::new(2);
		let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
		let first = limits.admit(a).unwrap();
		let _second = limits.admit(a).unwrap();
		assert!(limits.admit(a).is_none());
		assert!(limits.admit(b).is_some());
		drop(first);
		assert!(limits.admit(a).is_some());
	}

	#[test]
	fn finished_clients_leave_no_entry() {
		let limits = ClientLimits::new(1);
		let a: IpAddr = "::1".parse().unwrap();
		drop(limits.admit(a).unwrap());
		assert!(limits.in_flight.lock().unwrap().is_empty());
	}
}
