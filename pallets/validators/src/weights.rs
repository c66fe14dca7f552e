
//! Weights for `pallet_validators`. NOT YET GENERATED: `frame-omni-bencher` (an hour's build)
//! was not installed on the machine that wrote this pallet, so these are the storage accesses of
//! each call (read off its code) plus a base time estimated from the measured calls of
//! `pallet-stake` with the same accesses. Rerun `scripts/benchmark-pallet.sh validators` to
//! replace this file with measured figures.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_validators`.
pub trait WeightInfo {
	fn bond() -> Weight;
	fn validate() -> Weight;
	fn chill() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
}

/// Weights for `pallet_validators` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Validators::Ledgers` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1)
	fn bond() -> Weight {
		Weight::from_parts(90_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Validators::Ledgers` (r:1), `Session::NextKeys` (r:1), `Validators::BarredUntil` (r:1),
	/// `Validators::Candidates` (r:1 w:1), `Validators::CounterForCandidates` (r:1 w:1), `Validators::NextTicket` (r:1 w:1);
	/// a full list (256, the runtime's `MaxCandidates`): `Validators::Candidates` (r:256 w:1),
	/// `Validators::Ledgers` (r:256), `Session::NextKeys` (r:256)
	fn validate() -> Weight {
		Weight::from_parts(60_000_000 + 256 * 8_000_000, 4_000 + 256 * 3_000)
			.saturating_add(T::DbWeight::get().reads(6_u64 + 3 * 256))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Validators::Candidates` (r:1 w:1), `Validators::CounterForCandidates` (r:1 w:1)
	fn chill() -> Weight {
		Weight::from_parts(40_000_000, 3_500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Validators::Ledgers` (r:1 w:1), `Validators::Candidates` (r:1), `Validators::CurrentSession` (r:1)
	fn unbond() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Validators::Ledgers` (r:1 w:1), `Validators::CurrentSession` (r:1), `Balances::Holds` (r:1 w:1),
	/// `System::Account` (r:1 w:1)
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(90_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn bond() -> Weight {
		Weight::from_parts(90_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn validate() -> Weight {
		Weight::from_parts(60_000_000 + 256 * 8_000_000, 4_000 + 256 * 3_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64 + 3 * 256))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn chill() -> Weight {
		Weight::from_parts(40_000_000, 3_500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(90_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
