//! Which endpoint addresses a neuron may publish: a pure function of the address.

use crate::types::IpAddress;
use core::net::{Ipv4Addr, Ipv6Addr};

/// Why an endpoint address is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AddressRejection {
	/// Port 0, or the unspecified / broadcast / multicast address: nobody can call it.
	Unreachable,
	/// A private, loopback, link-local, shared or documentation address, refused where the
	/// runtime does not allow them (every chain but development ones).
	NotPublic,
}

/// Accepts `ip:port` when a client on the public internet could reach it, or when
/// `allow_private` and it is at least a reachable address on some network.
pub fn check_address(
	ip: &IpAddress,
	port: u16,
	allow_private: bool,
) -> Result<(), AddressRejection> {
	if port == 0 {
		return Err(AddressRejection::Unreachable);
	}
	let (unreachable, private) = match *ip {
		IpAddress::V4(octets) => {
			let ip = Ipv4Addr::from(octets);
			let shared = octets[0] == 100 && (octets[1] & 0xc0) == 64; // 100.64.0.0/10
			(
				ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast(),
				ip.is_private()
					|| ip.is_loopback()
					|| ip.is_link_local()
					|| ip.is_documentation()
					|| shared,
			)
		},
		IpAddress::V6(octets) => {
			let ip = Ipv6Addr::from(octets);
			let documentation = ip.segments()[0] == 0x2001 && ip.segments()[1] == 0x0db8;
			(
				ip.is_unspecified() || ip.is_multicast(),
				ip.is_loopback()
					|| ip.is_unique_local()
					|| ip.is_unicast_link_local()
					|| documentation,
			)
		},
	};
	if unreachable {
		Err(AddressRejection::Unreachable)
	} else if private && !allow_private {
		Err(AddressRejection::NotPublic)
	} else {
		Ok(())
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddress {
		IpAddress::V4([a, b, c, d])
	}

	#[test]
	fn public_addresses_are_accepted_everywhere() {
		assert_eq!(check_address(&v4(8, 8, 8, 8), 443, false), Ok(()));
		let v6: Ipv6Addr = "2a00:1450::1".parse().unwrap();
		assert_eq!(check_address(&IpAddress::V6(v6.octets()), 80, false), Ok(()));
	}

	#[test]
	fn private_addresses_only_where_allowed() {
		for ip in [v4(10, 0, 0, 1), v4(127, 0, 0, 1), v4(192, 168, 1, 2), v4(100, 64, 0, 1)] {
			assert_eq!(check_address(&ip, 80, false), Err(AddressRejection::NotPublic));
			assert_eq!(check_address(&ip, 80, true), Ok(()));
		}
		let local = IpAddress::V6(Ipv6Addr::LOCALHOST.octets());
		assert_eq!(check_address(&local, 80, false), Err(AddressRejection::NotPublic));
	}

	#[test]
	fn unreachable_addresses_are_always_refused() {
		assert_eq!(check_address(&v4(8, 8, 8, 8), 0, true), Err(AddressRejection::Unreachable));
		assert_eq!(check_address(&v4(0, 0, 0, 0), 80, true), Err(AddressRejection::Unreachable));
		assert_eq!(
			check_address(&v4(255, 255, 255, 255), 80, true),
			Err(AddressRejection::Unreachable)
		);
		let any = IpAddress::V6(Ipv6Addr::UNSPECIFIED.octets());
		assert_eq!(check_address(&any, 80, true), Err(AddressRejection::Unreachable));
	}
}
