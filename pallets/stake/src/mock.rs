//! A runtime for the pallet's tests: System, Balances, the real Subnets pallet, and Stake (the
//! shared setup of `inferchain-mock-base`, with a test double for the inference exposure).

use crate as pallet_stake;
use frame_support::{derive_impl, traits::ConstU64};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Subnets = pallet_subnets;

	#[runtime::pallet_index(3)]
	pub type Stake = pallet_stake;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU64<ED>;
}

inferchain_mock_base::subnets_and_stake! {
	neuron_lifecycle: (),
	exposure: TestExposure,
	extra_genesis: |_| {},
}

std::thread_local! {
	static EXPOSED: core::cell::RefCell<Vec<(pallet_subnets::NetUid, AccountId, u64)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// Stands in for the inference pallet: tests mark an amount of a hotkey's stake as backing
/// open work.
pub struct TestExposure;

impl TestExposure {
	/// `amount` of `hotkey`'s stake on `netuid` backs open work (replacing what was set).
	pub fn expose(netuid: pallet_subnets::NetUid, hotkey: AccountId, amount: u64) {
		EXPOSED.with(|exposed| {
			let mut exposed = exposed.borrow_mut();
			exposed.retain(|(n, h, _)| !(*n == netuid && *h == hotkey));
			exposed.push((netuid, hotkey, amount));
		});
	}
}

impl inferchain_primitives::StakeExposure<AccountId, u64> for TestExposure {
	fn exposed_stake(netuid: pallet_subnets::NetUid, hotkey: &AccountId) -> u64 {
		EXPOSED.with(|exposed| {
			exposed
				.borrow()
				.iter()
				.filter(|(n, h, _)| *n == netuid && h == hotkey)
				.map(|e| e.2)
				.sum()
		})
	}
}
