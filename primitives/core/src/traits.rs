//! Traits through which the pallets meet.

use crate::{NetUid, Uid};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;
use sp_runtime::Weight;

/// Read access to subnets and their neurons (implemented by `pallet-subnets`).
pub trait SubnetRegistry<AccountId> {
	/// Whether `netuid` is a registered subnet.
	fn subnet_exists(netuid: NetUid) -> bool;
	/// The owner (coldkey) of `netuid`.
	fn subnet_owner(netuid: NetUid) -> Option<AccountId>;
	/// The UID `hotkey` holds on `netuid`.
	fn uid_of(netuid: NetUid, hotkey: &AccountId) -> Option<Uid>;
	/// The hotkeys of `netuid` indexed by UID (`None` for a vacant UID).
	fn hotkeys(netuid: NetUid) -> Vec<Option<AccountId>>;
	/// The coldkey that owns `hotkey`, recorded at its first registration.
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId>;
	/// The subnet's `max_validators` hyperparameter (size of its validator set).
	fn max_validators(netuid: NetUid) -> Option<u16>;
	/// Every registered netuid, ascending.
	fn netuids() -> Vec<NetUid>;
	/// What an epoch of `netuid` needs from its hyperparameters.
	fn epoch_params(netuid: NetUid) -> Option<EpochParams>;
	/// Registration block of each UID of `netuid` (vacant UIDs: block 0).
	fn registered_at(netuid: NetUid) -> Vec<u64>;
	/// Whether a neuron holds each UID of `netuid` (one storage read, unlike [`Self::hotkeys`]).
	fn occupied(netuid: NetUid) -> Vec<bool>;
	/// Whether each UID of `netuid` is held by a neuron that declared the validator role
	/// (one storage read): only those get permits and sit on panels; the others mine.
	fn validators(netuid: NetUid) -> Vec<bool>;
	/// Records each UID's latest emission as its pruning score.
	fn set_pruning_scores(netuid: NetUid, scores: &[u64]);
	/// The hotkey holding `uid` on `netuid` (one storage read).
	fn hotkey_at(netuid: NetUid, uid: Uid) -> Option<AccountId>;
	/// Each UID's latest emission (its pruning score), `None` for a vacant UID (one read).
	fn uid_scores(netuid: NetUid) -> Vec<Option<u64>>;
	/// The model id of the subnet's task, once its owner has set one.
	fn subnet_model(netuid: NetUid) -> Option<[u8; 32]>;
}

/// The validator permits of a subnet as of its last epoch (implemented by `pallet-emission`,
/// which refreshes them each epoch: one storage read, unlike [`StakeInfo::validator_permits`]).
pub trait ValidatorPermits {
	/// Permits of `netuid` indexed by UID (empty before the subnet's first epoch).
	fn permits(netuid: NetUid) -> Vec<bool>;
	/// Each permitted UID of `netuid` with the stake it held at that epoch (one read).
	fn permit_stakes(netuid: NetUid) -> Vec<(Uid, u128)>;
}

/// How much of a hotkey's stake backs open inference work (implemented by `pallet-inference`,
/// read by `pallet-stake`, which keeps at least this much of the hotkey's stake, bonded and
/// unbonding together, within reach of a slash: neither paid out nor moved). An amount, not a
/// time: stake beyond what open work could cost stays free, so opening reviews cannot lock a
/// validator's whole stake. `()`: nothing exposed.
pub trait StakeExposure<AccountId, Balance> {
	/// The most that open work of `hotkey` on `netuid` (its assigned requests and results not
	/// yet settled, the panels it sits on, a dissent it must answer for) could still cost it.
	fn exposed_stake(netuid: NetUid, hotkey: &AccountId) -> Balance;
}

impl<AccountId, Balance: Default> StakeExposure<AccountId, Balance> for () {
	fn exposed_stake(_: NetUid, _: &AccountId) -> Balance {
		Balance::default()
	}
}

/// The hyperparameters an epoch and the weights calls read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EpochParams {
	/// Blocks between epochs.
	pub tempo: u16,
	/// Consensus quantile κ, parts per billion.
	pub kappa_parts: u32,
	/// Bonds moving-average weight α, parts per billion.
	pub bonds_alpha_parts: u32,
	/// Whether bonds are relative (original Yuma) rather than absolute (Yuma3).
	pub relative_bonds: bool,
	/// Blocks without a weight update after which a validator is inactive.
	pub activity_cutoff: u32,
	/// Whether weights must be committed then revealed.
	pub commit_reveal: bool,
	/// Blocks between a commit and the earliest reveal.
	pub reveal_period: u32,
	/// Blocks between two weight updates of one validator.
	pub weights_rate_limit: u32,
	/// Size of the validator set (permits go to the top hotkeys by stake).
	pub max_validators: u16,
	/// Lowest `version_key` weights must carry.
	pub weights_version: u64,
}

/// Work a subnet still owes: `pallet-subnets` refuses to dissolve a subnet while any of its
/// requests is unsettled, so dissolution never cuts a review short (a committee needs the
/// subnet's validators). `()`: none.
pub trait SubnetWork {
	/// Requests of `netuid` not yet final, rejected or expired.
	fn open_requests(netuid: NetUid) -> u32;
}

impl SubnetWork for () {
	fn open_requests(_: NetUid) -> u32 {
		0
	}
}

/// Told by `pallet-subnets` when a neuron takes or leaves a UID, so pallets that keep per-UID
/// state (weights, bonds, the stake ledger) can set it up or clear it. `()` does nothing; a
/// pair tells both, first then second.
pub trait NeuronLifecycle<AccountId> {
	/// `hotkey` now holds `uid` on `netuid` (told after any removal of the UID's last holder).
	fn on_neuron_registered(netuid: NetUid, uid: Uid, hotkey: &AccountId);
	/// `hotkey` no longer holds `uid` on `netuid` (replaced or deregistered).
	fn on_neuron_removed(netuid: NetUid, uid: Uid, hotkey: &AccountId);
	/// `netuid` was dissolved: all of its per-subnet state may go.
	fn on_subnet_dissolved(netuid: NetUid);
	/// The most [`Self::on_neuron_removed`] may cost beyond what the subnets pallet's
	/// benchmarks measure through it: work that depends on state they cannot set up (the stake
	/// ledger folding accrued rewards). Zero by default.
	fn removal_overhead() -> Weight {
		Weight::zero()
	}
}

impl<AccountId> NeuronLifecycle<AccountId> for () {
	fn on_neuron_registered(_: NetUid, _: Uid, _: &AccountId) {}
	fn on_neuron_removed(_: NetUid, _: Uid, _: &AccountId) {}
	fn on_subnet_dissolved(_: NetUid) {}
}

impl<AccountId, A: NeuronLifecycle<AccountId>, B: NeuronLifecycle<AccountId>>
	NeuronLifecycle<AccountId> for (A, B)
{
	fn on_neuron_registered(netuid: NetUid, uid: Uid, hotkey: &AccountId) {
		A::on_neuron_registered(netuid, uid, hotkey);
		B::on_neuron_registered(netuid, uid, hotkey);
	}
	fn on_neuron_removed(netuid: NetUid, uid: Uid, hotkey: &AccountId) {
		A::on_neuron_removed(netuid, uid, hotkey);
		B::on_neuron_removed(netuid, uid, hotkey);
	}
	fn on_subnet_dissolved(netuid: NetUid) {
		A::on_subnet_dissolved(netuid);
		B::on_subnet_dissolved(netuid);
	}
	fn removal_overhead() -> Weight {
		A::removal_overhead().saturating_add(B::removal_overhead())
	}
}

/// Read access to stake (implemented by `pallet-stake`).
pub trait StakeInfo<AccountId, Balance> {
	/// Bonded stake (own and delegated, not unbonding) on `hotkey` in `netuid`.
	fn stake_of(netuid: NetUid, hotkey: &AccountId) -> Balance;
	/// Bonded stake on all hotkeys of `netuid`.
	fn total_stake(netuid: NetUid) -> Balance;
	/// [`Self::stake_of`] of every UID of `netuid`, indexed by UID (zero for a vacant UID; may
	/// be shorter than the UIDs in use, the rest being zero). A few reads, not one per UID.
	fn uid_stakes(netuid: NetUid) -> Vec<Balance>;
	/// Validator permits of `netuid` indexed by UID: the `max_validators` registered hotkeys
	/// with the most stake (ties: lower UID) and non-zero stake.
	fn validator_permits(netuid: NetUid) -> Vec<bool>;
}

/// Where slashed funds go.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum SlashTarget<AccountId> {
	/// Destroyed: total issuance falls by the amount.
	Burn,
	/// Paid to this account's free balance.
	Account(AccountId),
}

/// Slashing of a hotkey's stake (implemented by `pallet-stake`, used by `pallet-inference`).
pub trait Slash<AccountId, Balance> {
	/// Takes up to `amount` from `hotkey` on `netuid`: from its bonded and unbonding stake pro
	/// rata, which spreads it over the hotkey's owner and delegators in proportion to their
	/// shares. Returns what was actually taken (less than `amount` when the stake is smaller).
	fn slash(
		netuid: NetUid,
		hotkey: &AccountId,
		amount: Balance,
		target: SlashTarget<AccountId>,
	) -> Result<Balance, DispatchError>;

	/// The most a slash may cost beyond what its caller's benchmarks measure through it: work
	/// that depends on state they cannot set up (the stake ledger folding accrued rewards
	/// first). Zero by default.
	fn slash_overhead() -> Weight {
		Weight::zero()
	}
}

/// Payment of rewards into a hotkey's stake (implemented by `pallet-stake`, used by emission).
pub trait StakeRewards<AccountId, Balance> {
	/// Moves `amount` from `source` into `hotkey`'s stake on `netuid`: the owner's take is
	/// added to the owner's own stake, the rest raises the value of every share in the pool.
	/// O(1). Returns the amount moved (zero when the hotkey has no stakers and no owner).
	fn reward(
		netuid: NetUid,
		hotkey: &AccountId,
		amount: Balance,
		source: &AccountId,
	) -> Result<Balance, DispatchError>;

	/// Pays `amounts[uid]` to the hotkey holding each UID of `netuid` with a single transfer of
	/// the total from `source` (an epoch pays thousands of UIDs): counted in the hotkey's stake
	/// at once, split with the take when its pool is next touched. Returns what each UID
	/// received, in order: zero for a vacant UID, and all zeros (nothing changed) if the total
	/// cannot be moved.
	fn reward_uids(netuid: NetUid, amounts: &[Balance], source: &AccountId) -> Vec<Balance>;
}
