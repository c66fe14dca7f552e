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

	/// Registration. Its storage accesses are a fixed set whatever the number of subnets (no
	/// iteration), so one registration on a fresh chain is the worst case.
	#[benchmark]
	fn register_subnet() -> Result<(), BenchmarkError> {
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), BalanceOf::<T>::max_value());

		assert_eq!(SubnetCount::<T>::get(), 1);
		assert_eq!(Subnets::<T>::get(NetUid(0)).map(|info| info.owner), Some(caller));
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
