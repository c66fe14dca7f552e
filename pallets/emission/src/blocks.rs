//! Each block: minting emission into subnets' pending, and scheduling epochs.

use crate::{
	weights::WeightInfo, BalanceOf, Config, Issued, LastEpoch, NetUid, Pallet, Pending,
	SubnetShares,
};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::Weight,
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::{StakeInfo, SubnetRegistry};
use inferchain_yuma::schedule::block_emission;
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};
use sp_runtime::traits::{AccountIdConversion, SaturatedConversion, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The account holding pending emission.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Gives the account its existential deposit (genesis), so paying out everything pending
	/// never reaps it.
	pub(crate) fn endow_account() {
		let account = Self::account_id();
		let minimum = T::Currency::minimum_balance();
		if T::Currency::balance(&account) < minimum {
			let _ = T::Currency::mint_into(&account, minimum);
		}
	}

	/// `on_initialize`: mints this block's emission into the subnets' pending and runs the
	/// epochs that are due (at most `MaxEpochsPerBlock`, in netuid order; the rest wait a block).
	pub(crate) fn on_block(now: BlockNumberFor<T>) -> Weight {
		let netuids = T::Subnets::netuids();
		let subnets = u32::try_from(netuids.len()).unwrap_or(u32::MAX);
		let mut weight = T::WeightInfo::emit(subnets);
		Self::emit(&netuids);
		let mut epochs: u32 = 0;
		for netuid in netuids {
			if epochs >= T::MaxEpochsPerBlock::get() {
				break;
			}
			let Some(params) = T::Subnets::epoch_params(netuid) else { continue };
			let Some(last) = LastEpoch::<T>::get(netuid) else {
				// First sight of the subnet: its first epoch comes one tempo from now.
				LastEpoch::<T>::insert(netuid, now);
				continue;
			};
			if now >= last.saturating_add(params.tempo.into()) {
				let uids = Self::run_epoch(netuid, now, &params);
				weight = weight.saturating_add(T::WeightInfo::epoch(uids));
				epochs = epochs.saturating_add(1);
			}
		}
		weight
	}

	/// Mints `block_emission` and splits it across `netuids` (root's shares, else by stake).
	pub(crate) fn emit(netuids: &[NetUid]) {
		let issued: u128 = Issued::<T>::get().saturated_into();
		let cap: u128 = T::EmissionCap::get().saturated_into();
		let emission = block_emission(issued, cap, T::InitialBlockEmission::get().saturated_into());
		if emission == 0 {
			return;
		}
		let amounts: Vec<(NetUid, u128)> = match SubnetShares::<T>::get() {
			Some(shares) => shares
				.iter()
				.filter(|(netuid, _)| netuids.contains(netuid))
				.map(|(netuid, share)| (*netuid, share.mul_floor(emission)))
				.collect(),
			None => {
				let stakes: Vec<(NetUid, u128)> = netuids
					.iter()
					.map(|netuid| (*netuid, T::Stake::total_stake(*netuid).saturated_into()))
					.collect();
				let total = stakes.iter().fold(0u128, |sum, (_, stake)| sum.saturating_add(*stake));
				stakes
					.into_iter()
					.map(|(netuid, stake)| {
						let amount = multiply_by_rational_with_rounding(
							emission,
							stake,
							total,
							Rounding::Down,
						)
						.unwrap_or(0);
						(netuid, amount)
					})
					.collect()
			},
		};
		let minted = amounts.iter().fold(0u128, |sum, (_, amount)| sum.saturating_add(*amount));
		let minted: BalanceOf<T> = minted.saturated_into();
		if minted.is_zero() || T::Currency::mint_into(&Self::account_id(), minted).is_err() {
			return;
		}
		for (netuid, amount) in amounts {
			let amount: BalanceOf<T> = amount.saturated_into();
			if !amount.is_zero() {
				Pending::<T>::mutate(netuid, |pending| *pending = pending.saturating_add(amount));
			}
		}
		Issued::<T>::mutate(|issued| *issued = issued.saturating_add(minted));
	}
}
