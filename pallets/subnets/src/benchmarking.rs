//! Benchmarks of the subnets pallet (frame-benchmarking v2), at their worst cases.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating};

/// An account funded well beyond any lock cost.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::MinLockCost::get().saturating_mul(1_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Registration with every subnet slot but one taken.
	#[benchmark]
	fn register_subnet() -> Result<(), BenchmarkError> {
		let existing = T::MaxSubnets::get().saturating_sub(1);
		for i in 0..existing {
			let owner = funded::<T>("owner", i);
			Pallet::<T>::register_subnet(
				RawOrigin::Signed(owner).into(),
				BalanceOf::<T>::max_value(),
			)?;
		}
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), BalanceOf::<T>::max_value());

		assert_eq!(SubnetCount::<T>::get(), existing.saturating_add(1));
		Ok(())
	}

	/// Dissolution by the owner.
	#[benchmark]
	fn dissolve_subnet() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		Pallet::<T>::register_subnet(
			RawOrigin::Signed(owner.clone()).into(),
			BalanceOf::<T>::max_value(),
		)?;
		let netuid = NetUid(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid);

		assert!(Subnets::<T>::get(netuid).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
