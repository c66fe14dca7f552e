//! Benchmarks of the emission pallet (frame-benchmarking v2), at their worst cases.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::RawOrigin;
use inferchain_primitives::{NeuronLifecycle, SubnetRegistry};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

/// A subnet of `uids` neurons whose first `validators` hold permits.
fn subnet_with_permits<T: Config>(
	uids: u32,
	validators: u32,
	commit_reveal: bool,
) -> (NetUid, Vec<T::AccountId>) {
	let (netuid, hotkeys) = T::BenchmarkHelper::subnet(uids, validators, commit_reveal);
	let permits: Vec<bool> = (0..uids).map(|uid| uid < validators).collect();
	Permits::<T>::insert(netuid, BoundedVec::truncate_from(permits));
	(netuid, hotkeys)
}

/// `w` distinct UIDs with weights.
fn weights(w: u32) -> (Vec<Uid>, Vec<u16>) {
	let uids: Vec<Uid> = (0..w).filter_map(|uid| Uid::try_from(uid).ok()).collect();
	let values = uids.iter().map(|uid| uid.saturating_add(1)).collect();
	(uids, values)
}

/// Validator `validator`'s weights on every other UID below `n` (the longest row a validator
/// can store): pseudo-random (a linear congruential sequence per validator), so the columns
/// consensus orders arrive unsorted, as real ones do.
fn validator_weights(validator: u32, n: u32) -> Vec<(Uid, u16)> {
	let mut state = u64::from(validator).wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
	(0..n)
		.filter(|uid| *uid != validator)
		.filter_map(|uid| Uid::try_from(uid).ok())
		.map(|uid| {
			state = state
				.wrapping_mul(6_364_136_223_846_793_005)
				.wrapping_add(1_442_695_040_888_963_407);
			(uid, u16::try_from(state >> 48).unwrap_or(u16::MAX) | 1)
		})
		.collect()
}

/// The validators of the epoch benchmarks' worst case for `n` UIDs: as many as a subnet may
/// have, up to all of them.
fn epoch_validators<T: Config>(n: u32) -> u32 {
	n.min(T::MaxValidators::get()).max(1)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A full row of weights.
	#[benchmark]
	fn set_weights(w: Linear<1, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = subnet_with_permits::<T>(w, 1, false);
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let (uids, values) = weights(w);

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), netuid, uids, values, 0);

		assert!(Weights::<T>::contains_key(netuid, 0));
		Ok(())
	}

	/// A commit.
	#[benchmark]
	fn commit_weights() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = subnet_with_permits::<T>(2, 1, true);
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(validator.clone()), netuid, sp_core::H256::repeat_byte(1));

		assert!(Commits::<T>::contains_key(netuid, validator));
		Ok(())
	}

	/// A reveal of a full row.
	#[benchmark]
	fn reveal_weights(w: Linear<1, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = subnet_with_permits::<T>(w, 1, true);
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let (uids, values) = weights(w);
		let commit = weights_calls::commit_hash(&validator, netuid, &uids, &values, 7, 0);
		Pallet::<T>::commit_weights(RawOrigin::Signed(validator.clone()).into(), netuid, commit)?;
		let period = T::Subnets::epoch_params(netuid).map_or(0, |p| p.reveal_period);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(period.into()));

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), netuid, uids, values, 7, 0);

		assert!(Weights::<T>::contains_key(netuid, 0));
		Ok(())
	}

	/// Root sets a share for `MaxSubnets` subnets.
	#[benchmark]
	fn set_subnet_shares() -> Result<(), BenchmarkError> {
		let count = T::MaxSubnets::get();
		let share = Perbill::from_rational(1, count.max(1));
		let shares: Vec<(NetUid, Perbill)> =
			(0..count).filter_map(|n| u16::try_from(n).ok()).map(|n| (NetUid(n), share)).collect();
		let shares = BoundedVec::truncate_from(shares);

		#[extrinsic_call]
		_(RawOrigin::Root, Some(shares));

		assert!(SubnetShares::<T>::get().is_some());
		Ok(())
	}

	/// Block emission split by stake across `s` subnets.
	#[benchmark]
	fn emit(s: Linear<1, { T::MaxSubnets::get() }>) -> Result<(), BenchmarkError> {
		for _ in 0..s {
			T::BenchmarkHelper::subnet(1, 1, false);
		}
		let netuids = T::Subnets::netuids();

		#[block]
		{
			Pallet::<T>::emit(&netuids);
		}

		assert!(!Issued::<T>::get().is_zero());
		Ok(())
	}

	/// An epoch of `n` UIDs at its worst: `MaxValidators` validators (or all `n`), all
	/// staked, permitted and active, each weighting every other UID (pseudo-random weights),
	/// with bonds from an earlier epoch and emission to pay.
	#[benchmark]
	fn epoch(n: Linear<2, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		let validators = epoch_validators::<T>(n);
		let (netuid, _) = subnet_with_permits::<T>(n, validators, false);
		let now = frame_system::Pallet::<T>::block_number();
		for validator in 0..validators {
			let row = validator_weights(validator, n);
			let validator = Uid::try_from(validator).map_err(|_| BenchmarkError::Weightless)?;
			Weights::<T>::insert(netuid, validator, WeightsOf::<T>::from_pairs(row));
			WeightsSetAt::<T>::insert(netuid, validator, now);
		}
		let params = T::Subnets::epoch_params(netuid).ok_or(BenchmarkError::Weightless)?;
		Pallet::<T>::run_epoch(netuid, now, &params);
		Pending::<T>::insert(
			netuid,
			T::InitialBlockEmission::get().saturating_mul(1_000u32.into()),
		);
		Pallet::<T>::endow_account();
		let account = Pallet::<T>::account_id();
		let _ = <T::Currency as frame_support::traits::fungible::Mutate<_>>::mint_into(
			&account,
			T::InitialBlockEmission::get().saturating_mul(1_000u32.into()),
		);
		let later = now.saturating_add(params.tempo.into());
		frame_system::Pallet::<T>::set_block_number(later);

		#[block]
		{
			Pallet::<T>::run_epoch(netuid, later, &params);
		}

		assert_eq!(LastEpoch::<T>::get(netuid), Some(later));
		Ok(())
	}

	/// The Yuma math alone (no storage) on the `epoch` benchmark's inputs: `n` UIDs,
	/// `MaxValidators` validators (or all `n`) weighting every other UID, bonds from a first
	/// epoch. Not charged anywhere: it shows how much of `epoch(n)` is the math, in Wasm.
	#[benchmark]
	fn yuma(n: Linear<2, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		use inferchain_yuma::{epoch, BondRow, BondsMode, EpochInput, Q32};
		let validators = epoch_validators::<T>(n);
		let count = n as usize;
		let weights: Vec<Vec<(Uid, u16)>> = (0..n)
			.map(|uid| if uid < validators { validator_weights(uid, n) } else { Vec::new() })
			.collect();
		let stake = vec![1_000_000_000_000u128; count];
		let permit: Vec<bool> = (0..n).map(|uid| uid < validators).collect();
		let active = permit.clone();
		let registered_at = vec![0u64; count];
		let set_at = vec![1u64; count];
		let input = |bonds| EpochInput {
			stake: &stake,
			active: &active,
			permit: &permit,
			registered_at: &registered_at,
			weights: &weights,
			weights_set_at: &set_at,
			bonds,
			last_epoch: 1,
			kappa: Q32::from_parts_per_billion(500_000_000),
			bonds_alpha: Q32::from_parts_per_billion(100_000_000),
			bonds_mode: BondsMode::Absolute,
		};
		let empty = vec![BondRow::default(); count];
		let bonds = epoch(&input(&empty)).bonds;
		let output;

		#[block]
		{
			output = epoch(&input(&bonds));
		}

		assert_eq!(output.incentive.len(), count);
		Ok(())
	}

	/// `on_idle` removing a dissolved subnet's entries: `n` UIDs with weights, their blocks,
	/// bonds and a commit each.
	#[benchmark]
	fn clean_dissolved(n: Linear<0, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = subnet_with_permits::<T>(n.max(1), 1, true);
		let now = frame_system::Pallet::<T>::block_number();
		for (uid, hotkey) in hotkeys.iter().enumerate().take(n as usize) {
			let uid = Uid::try_from(uid).map_err(|_| BenchmarkError::Weightless)?;
			Weights::<T>::insert(netuid, uid, WeightsOf::<T>::from_pairs([(uid, 1u16)]));
			WeightsSetAt::<T>::insert(netuid, uid, now);
			Bonds::<T>::insert(netuid, uid, BondsOf::<T>::from_pairs([(uid, 1u32)]));
			Commits::<T>::insert(netuid, hotkey, (sp_core::H256::repeat_byte(1), now));
		}
		<Pallet<T> as NeuronLifecycle<T::AccountId>>::on_subnet_dissolved(netuid);

		#[block]
		{
			Pallet::<T>::clean_dissolved(Weight::MAX);
		}

		assert!(!DissolvedSubnets::<T>::contains_key(netuid));
		assert_eq!(Weights::<T>::iter_prefix(netuid).count(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
