//! Endpoints neurons publish.

use super::*;
use crate::{AllowPrivateEndpoints, Endpoint, Endpoints, IpAddress, Protocol};

const PUBLIC: IpAddress = IpAddress::V4([93, 184, 216, 34]);
const PRIVATE: IpAddress = IpAddress::V4([192, 168, 0, 10]);

fn serve(
	hotkey: AccountId,
	netuid: NetUid,
	ip: IpAddress,
	port: u16,
) -> frame_support::dispatch::DispatchResult {
	Subnets::serve_endpoint(RuntimeOrigin::signed(hotkey), netuid, ip, port, Protocol::Https)
}

#[test]
fn a_registered_hotkey_publishes_its_endpoint() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let uid = register_neuron(BOB, netuid, 100);
		assert_ok!(serve(100, netuid, PUBLIC, 443));
		assert_eq!(
			Endpoints::<Test>::get(netuid, uid),
			Some(Endpoint { ip: PUBLIC, port: 443, protocol: Protocol::Https, updated_at: 1 })
		);
		assert_eq!(
			last_event(),
			Event::EndpointServed { netuid, uid, ip: PUBLIC, port: 443, protocol: Protocol::Https }
				.into()
		);
	});
}

#[test]
fn serve_endpoint_rejects_an_unregistered_hotkey() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_noop!(serve(100, netuid, PUBLIC, 443), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(serve(100, NetUid(8), PUBLIC, 443), Error::<Test>::HotkeyNotRegistered);
	});
}

#[test]
fn serve_endpoint_rejects_private_addresses_unless_the_chain_allows_them() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		assert_noop!(serve(100, netuid, PRIVATE, 80), Error::<Test>::EndpointNotPublic);
		AllowPrivateEndpoints::<Test>::put(true);
		assert_ok!(serve(100, netuid, PRIVATE, 80));
	});
}

#[test]
fn serve_endpoint_rejects_unreachable_addresses() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		assert_noop!(serve(100, netuid, PUBLIC, 0), Error::<Test>::EndpointUnreachable);
		assert_noop!(
			serve(100, netuid, IpAddress::V4([0, 0, 0, 0]), 80),
			Error::<Test>::EndpointUnreachable
		);
	});
}

#[test]
fn serve_endpoint_is_rate_limited() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		assert_ok!(serve(100, netuid, PUBLIC, 443));
		advance(4);
		assert_noop!(serve(100, netuid, PUBLIC, 444), Error::<Test>::ServingRateLimited);
		advance(1);
		assert_ok!(serve(100, netuid, PUBLIC, 444));
	});
}

#[test]
fn a_replaced_neuron_loses_its_endpoint() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..104 {
			register_neuron(BOB, netuid, hotkey);
		}
		assert_ok!(serve(100, netuid, PUBLIC, 443));
		advance(5);
		assert_eq!(register_neuron(BOB, netuid, 104), 0);
		assert_eq!(Endpoints::<Test>::get(netuid, 0), None);
		Subnets::do_try_state().unwrap();
	});
}
