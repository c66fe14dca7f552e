//! # Emission pallet
//!
//! Mints block emission on a halving schedule towards a cap
//! ([`inferchain_yuma::schedule::block_emission`]), splits it across subnets, and at each
//! subnet's tempo runs Yuma Consensus ([`inferchain_yuma::epoch`]) on the weights its
//! validators submitted and pays the subnet's pending emission out.
//!
//! ## Each block (`on_initialize`)
//! 1. `e = block_emission(Issued, EmissionCap, InitialBlockEmission)` is split across subnets:
//!    by root's fixed shares if set ([`Pallet::set_subnet_shares`]), else in proportion to each
//!    subnet's bonded stake. Each share is minted into this pallet's account and added to the
//!    subnet's `Pending`; what rounds away, or has no subnet to go to, is not minted.
//! 2. Subnets whose tempo has passed since their last epoch run one epoch each, in netuid
//!    order, at most `MaxEpochsPerBlock` per block; the rest run in the next blocks.
//!
//! ## An epoch
//! Validator permits (top `max_validators` by stake) are refreshed, Yuma runs on the weights
//! and bonds of permitted validators (the only rows it does not mask; a validator that loses
//! its permit loses its bonds), bonds are stored, and the subnet's pending emission is paid: `OwnerCut` to the subnet owner, then
//! `MinerShare` of the rest to miners by incentive and the remainder to validators by
//! dividends, each paid into the hotkey's stake (so the hotkey's take and its delegators'
//! shares apply, see `pallet-stake`). What cannot be paid stays pending.
//!
//! ## Calls
//! - [`Pallet::commit_weights`] / [`Pallet::reveal_weights`]: a permitted validator commits
//!   `blake2_256(SCALE(hotkey, netuid, uids, values, salt, version_key))`, then reveals after
//!   `reveal_period` blocks; the reveal must match exactly. `version_key` must be at least
//!   the subnet's `weights_version` (owners raise it to retire outdated validator software).
//! - [`Pallet::set_weights`]: only on subnets with commit-reveal off.
//! - [`Pallet::set_subnet_shares`]: root fixes each subnet's share of block emission.
//!
//! ## Invariants (checked by `try_state`)
//! - This pallet's account holds its existential deposit plus every subnet's `Pending`.
//! - `Issued` never exceeds `EmissionCap`; everything minted is paid, burned or pending.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod blocks;
mod dissolved;
mod epochs;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
pub mod rows;
#[cfg(test)]
mod tests;
pub mod weights;
mod weights_calls;

pub use inferchain_primitives::{NetUid, Uid};
pub use rows::StoredRow;
pub use weights::WeightInfo;
pub use weights_calls::commit_hash;

/// Registers neurons and stake for the benchmarks (this pallet cannot do either itself).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Creates a subnet with `uids` neurons, the first `validators` of them staked, no rate
	/// limits, commit-reveal as asked; returns the netuid and the hotkeys by UID.
	fn subnet(
		uids: u32,
		validators: u32,
		commit_reveal: bool,
	) -> (NetUid, alloc::vec::Vec<AccountId>);
}

// FRAME's pallet macros expand to `expect` calls spanned on this module, which clippy cannot tell
// from ours, so this module allows `expect_used`. It holds only declarations and one-line
// delegations; the logic lives in the other modules, where every lint applies.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use inferchain_primitives::{StakeInfo, StakeRewards, SubnetRegistry};
	use sp_core::H256;
	use sp_runtime::Perbill;

	/// Balance type of the emitted currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// A validator's weights: a weight per UID.
	pub type WeightsOf<T> = StoredRow<u16, <T as Config>::MaxUids>;

	/// A validator's bonds: a bond per UID, the fraction of a `Q32` (bonds are at most one;
	/// one itself is kept as the largest fraction below it), so a row stores 6 bytes per UID.
	pub type BondsOf<T> = StoredRow<u32, <T as Config>::MaxUids>;

	/// Root's fixed emission shares.
	pub type SharesOf<T> = BoundedVec<(NetUid, Perbill), <T as Config>::MaxSubnets>;

	/// The layout of this pallet's storage. A change to it raises this version and ships with a
	/// versioned migration from the last release's layout (see `releases/README.md`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The emitted currency.
		type Currency: Mutate<Self::AccountId>;
		/// Subnets, their neurons and hyperparameters.
		type Subnets: SubnetRegistry<Self::AccountId>;
		/// Stake per hotkey, permits, and payment into stake.
		type Stake: StakeInfo<Self::AccountId, BalanceOf<Self>>
			+ StakeRewards<Self::AccountId, BalanceOf<Self>>;
		/// Id of the account holding pending emission.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Most that will ever be emitted.
		#[pallet::constant]
		type EmissionCap: Get<BalanceOf<Self>>;
		/// Emission per block in the first era.
		#[pallet::constant]
		type InitialBlockEmission: Get<BalanceOf<Self>>;
		/// The subnet owner's cut of each epoch's emission.
		#[pallet::constant]
		type OwnerCut: Get<Perbill>;
		/// Miners' share of the rest (validators get the remainder).
		#[pallet::constant]
		type MinerShare: Get<Perbill>;
		/// Most epochs run in one block.
		#[pallet::constant]
		type MaxEpochsPerBlock: Get<u32>;
		/// Most UIDs a subnet holds (bound of weight and bond rows).
		#[pallet::constant]
		type MaxUids: Get<u32>;
		/// Most validators with permits on a subnet (the subnets pallet's bound of
		/// `max_validators`): the epoch benchmark's worst case has this many.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Least stake a hotkey with the validator role needs for a permit.
		#[pallet::constant]
		type MinValidatorStake: Get<BalanceOf<Self>>;
		/// Most subnets (bound of root's share list).
		#[pallet::constant]
		type MaxSubnets: Get<u32>;
		/// Weights of this pallet's calls and epochs, generated by its benchmarks.
		type WeightInfo: WeightInfo;
		/// Builds subnets for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// Emitted so far by the schedule.
	#[pallet::storage]
	pub type Issued<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Each subnet's emission waiting for its next epoch.
	#[pallet::storage]
	pub type Pending<T: Config> = StorageMap<_, Twox64Concat, NetUid, BalanceOf<T>, ValueQuery>;

	/// Block of each subnet's latest epoch.
	#[pallet::storage]
	pub type LastEpoch<T: Config> = StorageMap<_, Twox64Concat, NetUid, BlockNumberFor<T>>;

	/// Each validator's latest weights.
	#[pallet::storage]
	pub type Weights<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, WeightsOf<T>>;

	/// Block of each validator's latest weights.
	#[pallet::storage]
	pub type WeightsSetAt<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, BlockNumberFor<T>>;

	/// Each hotkey's pending weights commit and its block.
	#[pallet::storage]
	pub type Commits<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		(H256, BlockNumberFor<T>),
	>;

	/// Each validator's bonds after the latest epoch.
	#[pallet::storage]
	pub type Bonds<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, BondsOf<T>>;

	/// Dissolved subnets whose per-UID entries (weights, their blocks, bonds, commits) are
	/// still being removed by `on_idle`, a weight-bounded batch per block. Netuids are never
	/// reused, so leftovers cannot meet a new subnet.
	#[pallet::storage]
	pub type DissolvedSubnets<T> = StorageMap<_, Twox64Concat, NetUid, ()>;

	/// Validator permits per UID, refreshed at each epoch.
	#[pallet::storage]
	pub type Permits<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BoundedVec<bool, T::MaxUids>, ValueQuery>;

	/// Each permitted UID with the stake that earned its permit, as of the last epoch: what
	/// the inference pallet weighs panel seats by (at most the current stake), so stake
	/// borrowed after an epoch buys no say in reviews.
	#[pallet::storage]
	pub type PermitStakes<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BoundedVec<(Uid, u128), T::MaxValidators>, ValueQuery>;

	/// Root's fixed shares of block emission; `None`: in proportion to stake.
	#[pallet::storage]
	pub type SubnetShares<T: Config> = StorageValue<_, SharesOf<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::endow_account();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch ran on `netuid`: `owner_cut` to the owner, `paid` to neurons' stake,
		/// `unpaid` left pending.
		EpochRun {
			netuid: NetUid,
			owner_cut: BalanceOf<T>,
			paid: BalanceOf<T>,
			unpaid: BalanceOf<T>,
		},
		/// The validator at `uid` set its weights.
		WeightsSet { netuid: NetUid, uid: Uid },
		/// The validator at `uid` committed weights.
		WeightsCommitted { netuid: NetUid, uid: Uid, commit: H256 },
		/// The validator at `uid` revealed its committed weights.
		WeightsRevealed { netuid: NetUid, uid: Uid },
		/// Root set (or with `None` cleared) fixed emission shares.
		SubnetSharesSet { shares: Option<SharesOf<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No subnet with this netuid is registered.
		SubnetNotFound,
		/// The caller is not a hotkey registered on the subnet.
		HotkeyNotRegistered,
		/// The caller's UID holds no validator permit.
		NoValidatorPermit,
		/// The subnet requires commit-reveal: use `commit_weights` and `reveal_weights`.
		CommitRevealRequired,
		/// The subnet has commit-reveal off: use `set_weights`.
		CommitRevealDisabled,
		/// `uids` and `values` differ in length.
		LengthMismatch,
		/// More weights than the subnet has UIDs.
		TooManyWeights,
		/// A UID appears twice.
		DuplicateUid,
		/// A UID is not in use on the subnet.
		UidNotFound,
		/// The validator set weights less than `weights_rate_limit` blocks ago.
		WeightsRateLimited,
		/// No commit to reveal.
		NoCommit,
		/// The reveal period has not passed since the commit.
		RevealTooEarly,
		/// The revealed weights and salt do not hash to the commit.
		RevealDoesNotMatchCommit,
		/// The weights' `version_key` is below the subnet's `weights_version`.
		WeightsVersionTooOld,
		/// Fixed shares sum to more than one, or name a subnet twice.
		InvalidShares,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::on_block(now)
		}

		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::clean_dissolved(remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set weights directly, on a subnet with commit-reveal off.
		///
		/// Origin: a hotkey registered on `netuid` holding a validator permit.
		/// Errors: [`Error::SubnetNotFound`], [`Error::CommitRevealRequired`],
		/// [`Error::HotkeyNotRegistered`], [`Error::NoValidatorPermit`],
		/// [`Error::WeightsVersionTooOld`] (`version_key` below the subnet's `weights_version`),
		/// [`Error::WeightsRateLimited`], [`Error::LengthMismatch`], [`Error::TooManyWeights`],
		/// [`Error::DuplicateUid`], [`Error::UidNotFound`]. Event: [`Event::WeightsSet`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_weights(uids.len().try_into().unwrap_or(u32::MAX)))]
		pub fn set_weights(
			origin: OriginFor<T>,
			netuid: NetUid,
			uids: alloc::vec::Vec<Uid>,
			values: alloc::vec::Vec<u16>,
			version_key: u64,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_set_weights(hotkey, netuid, uids, values, version_key)
		}

		/// Commit to weights to reveal later: `commit` is
		/// `blake2_256(SCALE((hotkey, netuid, uids, values, salt, version_key)))`. Replaces an
		/// earlier commit.
		///
		/// Origin: a hotkey registered on `netuid` holding a validator permit.
		/// Errors: [`Error::SubnetNotFound`], [`Error::CommitRevealDisabled`],
		/// [`Error::HotkeyNotRegistered`], [`Error::NoValidatorPermit`],
		/// [`Error::WeightsRateLimited`]. Event: [`Event::WeightsCommitted`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit_weights())]
		pub fn commit_weights(
			origin: OriginFor<T>,
			netuid: NetUid,
			commit: H256,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_commit_weights(hotkey, netuid, commit)
		}

		/// Reveal committed weights, at least `reveal_period` blocks after the commit.
		///
		/// Origin: the committing hotkey. Errors: [`Error::NoCommit`],
		/// [`Error::RevealTooEarly`], [`Error::RevealDoesNotMatchCommit`], and those of
		/// [`Pallet::set_weights`] except [`Error::CommitRevealRequired`].
		/// Event: [`Event::WeightsRevealed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reveal_weights(uids.len().try_into().unwrap_or(u32::MAX)))]
		pub fn reveal_weights(
			origin: OriginFor<T>,
			netuid: NetUid,
			uids: alloc::vec::Vec<Uid>,
			values: alloc::vec::Vec<u16>,
			salt: u64,
			version_key: u64,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_reveal_weights(hotkey, netuid, uids, values, salt, version_key)
		}

		/// Fix each subnet's share of block emission (`None`: back to stake-proportional).
		/// Subnets not listed get nothing while shares are set.
		///
		/// Origin: root. Errors: [`Error::InvalidShares`]. Event: [`Event::SubnetSharesSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_subnet_shares())]
		pub fn set_subnet_shares(
			origin: OriginFor<T>,
			shares: Option<SharesOf<T>>,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_set_subnet_shares(shares)
		}
	}
}
