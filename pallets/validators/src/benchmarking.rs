//! Benchmarks of the validators pallet (frame-benchmarking v2), at their worst cases.

use super::*;
use crate::pallet::{BalanceOf, Candidates, CurrentSession, Ledgers};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::traits::Saturating;

/// An account funded far beyond the minimum bond, with session keys.
fn funded<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("validator", index, 0);
	T::Currency::set_balance(&who, T::MinValidatorBond::get().saturating_mul(1_000u32.into()));
	T::Session::give_keys(&who);
	who
}

/// `who` bonded `times` × the minimum.
fn bonded<T: Config>(who: &T::AccountId, times: u32) -> Result<(), BenchmarkError> {
	let amount: BalanceOf<T> = T::MinValidatorBond::get().saturating_mul(times.into());
	Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount)?;
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Adding to an existing bond (reads and rewrites the ledger).
	#[benchmark]
	fn bond() -> Result<(), BenchmarkError> {
		let who = funded::<T>(0);
		bonded::<T>(&who, 1)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinValidatorBond::get());
		assert!(Ledgers::<T>::get(&who).is_some());
		Ok(())
	}

	/// A full candidate list: the caller displaces the last-ranked candidate after reading
	/// every candidate's bond and keys.
	#[benchmark]
	fn validate() -> Result<(), BenchmarkError> {
		let free = T::MaxCandidates::get().saturating_sub(Candidates::<T>::count());
		for index in 1..=free {
			let other = funded::<T>(index);
			bonded::<T>(&other, 1)?;
			Pallet::<T>::validate(RawOrigin::Signed(other).into())?;
		}
		let who = funded::<T>(0);
		bonded::<T>(&who, 2)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Candidates::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn chill() -> Result<(), BenchmarkError> {
		let who = funded::<T>(0);
		bonded::<T>(&who, 1)?;
		Pallet::<T>::validate(RawOrigin::Signed(who.clone()).into())?;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Candidates::<T>::contains_key(&who));
		Ok(())
	}

	/// A candidate with every chunk but one in use: the new chunk is appended after a scan.
	#[benchmark]
	fn unbond() -> Result<(), BenchmarkError> {
		let who = funded::<T>(0);
		bonded::<T>(&who, 10)?;
		Pallet::<T>::validate(RawOrigin::Signed(who.clone()).into())?;
		let one: BalanceOf<T> = 1u32.into();
		for session in 1..T::MaxUnlockingChunks::get() {
			CurrentSession::<T>::put(session);
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), one)?;
		}
		CurrentSession::<T>::put(T::MaxUnlockingChunks::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), one);
		let chunks = Ledgers::<T>::get(&who).map(|l| l.unlocking.len()).unwrap_or_default();
		assert_eq!(chunks as u32, T::MaxUnlockingChunks::get());
		Ok(())
	}

	/// Every chunk due and the whole bond released: the ledger is removed.
	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let who = funded::<T>(0);
		let chunks = T::MaxUnlockingChunks::get();
		bonded::<T>(&who, chunks)?;
		for session in 0..chunks {
			CurrentSession::<T>::put(session);
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), T::MinValidatorBond::get())?;
		}
		CurrentSession::<T>::put(
			chunks.saturating_add(T::BondingDuration::get()).saturating_add(crate::SET_LAG),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Ledgers::<T>::get(&who).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
