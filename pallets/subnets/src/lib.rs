//! # Subnets pallet
//!
//! A subnet is a market for one inference task, owned by the account that registered it, with
//! up to `max_uids` neurons (miners and validators), each a hotkey holding a UID.
//!
//! ## Calls
//! - [`Pallet::register_subnet`]: any signed account; holds the current lock cost (it doubles
//!   with each registration and decays back, see [`lock_cost`]), makes the caller the owner,
//!   assigns the next [`NetUid`] and gives the subnet the runtime's `DefaultHyperparams`.
//! - [`Pallet::dissolve_subnet`]: the owner or root; removes every storage item of the subnet
//!   (per-UID entries in bounded batches by `on_idle`) and releases the lock **to the owner** in
//!   full (whoever dissolves it): the lock is a deposit, not a fee.
//! - [`Pallet::set_hyperparameters`]: the owner within the runtime's `OwnerLimits` and at most
//!   once per `HyperparamsRateLimit` blocks; root anything consistent, any time.
//! - [`Pallet::set_subnet_task`]: the owner or root; the task kind and model id.
//! - [`Pallet::register_neuron`]: signed by the coldkey that owns (or will own) the hotkey; burns
//!   the subnet's registration burn (see [`burn`]) and gives the hotkey a UID, replacing the
//!   weakest non-immune neuron when the subnet is full (see [`pruning`]).
//! - [`Pallet::deregister_neuron`]: the subnet owner, the neuron's coldkey, or root; frees a UID.
//! - [`Pallet::serve_endpoint`]: signed by a registered hotkey; publishes where it serves.
//! - [`Pallet::set_neuron_role`]: signed by a hotkey's coldkey; miner (the default) or
//!   validator. Permits, panels and assignments follow the role.
//!
//! ## Invariants (checked by `try_state`)
//! - `SubnetCount` equals the number of `Subnets` entries and never exceeds `MaxSubnets`; every
//!   netuid is below `NextNetUid` (netuids are never reused).
//! - Every owner's balance held under [`HoldReason::SubnetLock`] equals the sum of its locks.
//! - Per subnet: UIDs in use ≤ `max_uids` ≤ `MaxUidsLimit`; `Keys` and `Uids` are inverse maps
//!   covering exactly the occupied UIDs; endpoints exist only for occupied UIDs; every
//!   registered hotkey has an owner.
//! - No per-subnet storage exists for a netuid that is not registered, except per-UID entries
//!   of a dissolved subnet still queued in `DissolvedSubnets`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod address;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod burn;
pub mod hyperparams;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod lock_cost;
#[cfg(test)]
mod mock;
mod neurons;
pub mod pruning;
mod reads;
mod registration;
mod settings;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use inferchain_primitives::{NetUid, Uid};
pub use types::*;
pub use weights::WeightInfo;

// FRAME's pallet macros expand to `expect` calls spanned on this module, which clippy cannot tell
// from ours, so this module allows `expect_used`. It holds only declarations and one-line
// delegations; the logic lives in the other modules, where every lint applies.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use inferchain_primitives::NeuronLifecycle;

	/// Balance type of the currency used for locks and burns.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// The stored record of a subnet in this runtime.
	pub type SubnetInfoOf<T> =
		SubnetInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// Hyperparameters in this runtime.
	pub type HyperparamsOf<T> = SubnetHyperparams<BalanceOf<T>>;

	/// The dense per-UID records of one subnet.
	pub type UidSlotsOf<T> = BoundedVec<UidSlot<BlockNumberFor<T>>, <T as Config>::MaxUidsLimit>;

	/// The layout of this pallet's storage. A change to it raises this version and ships with a
	/// versioned migration from the last release's layout (see `releases/README.md`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency held as the registration lock and burned by neuron registrations.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Most subnets that may exist at once.
		#[pallet::constant]
		type MaxSubnets: Get<u32>;
		/// Lock of the first registration and the floor the lock cost decays back to.
		#[pallet::constant]
		type MinLockCost: Get<BalanceOf<Self>>;
		/// Blocks over which a doubled lock cost decays back to the floor.
		#[pallet::constant]
		type LockReductionInterval: Get<BlockNumberFor<Self>>;
		/// Most UIDs any subnet may hold (bound of `max_uids`; at most `u16::MAX`).
		#[pallet::constant]
		type MaxUidsLimit: Get<u32>;
		/// Most validator permits any subnet may hand out (bound of `max_validators`, for owner
		/// and root alike): an epoch's cost grows with validators × UIDs, and the emission
		/// pallet's epoch weight is benchmarked with this many validators.
		#[pallet::constant]
		type MaxValidatorsLimit: Get<u32>;
		/// Hyperparameters of a new subnet: the one place their defaults are written.
		#[pallet::constant]
		type DefaultHyperparams: Get<HyperparamsOf<Self>>;
		/// The range within which owners may set hyperparameters.
		#[pallet::constant]
		type OwnerLimits: Get<hyperparams::OwnerLimits<BalanceOf<Self>>>;
		/// Blocks an owner must wait between two hyperparameter changes.
		#[pallet::constant]
		type HyperparamsRateLimit: Get<BlockNumberFor<Self>>;
		/// Told when a neuron takes or leaves a UID and when a subnet is dissolved.
		type NeuronLifecycle: NeuronLifecycle<Self::AccountId>;
		/// Requests a subnet still owes (`pallet-inference`): a subnet with any is not dissolved.
		type Work: inferchain_primitives::SubnetWork;
		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds balance.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a registered subnet, released when it is dissolved.
		SubnetLock,
	}

	/// Registered subnets.
	#[pallet::storage]
	pub type Subnets<T: Config> = StorageMap<_, Twox64Concat, NetUid, SubnetInfoOf<T>>;

	/// Number of registered subnets.
	#[pallet::storage]
	pub type SubnetCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The netuid the next registration gets.
	#[pallet::storage]
	pub type NextNetUid<T> = StorageValue<_, NetUid, ValueQuery>;

	/// The lock paid by the most recent registration (zero before the first).
	#[pallet::storage]
	pub type LastLockCost<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Block of the most recent registration.
	#[pallet::storage]
	pub type LastLockBlock<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Each subnet's hyperparameters.
	#[pallet::storage]
	pub type Hyperparams<T: Config> = StorageMap<_, Twox64Concat, NetUid, HyperparamsOf<T>>;

	/// Block of the owner's latest hyperparameter change (for the rate limit).
	#[pallet::storage]
	pub type HyperparamsChangedAt<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BlockNumberFor<T>>;

	/// Each subnet's task, once its owner has set one.
	#[pallet::storage]
	pub type Tasks<T: Config> = StorageMap<_, Twox64Concat, NetUid, SubnetTask>;

	/// Each subnet's registration burn state.
	#[pallet::storage]
	pub type Burns<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BurnState<BalanceOf<T>, BlockNumberFor<T>>>;

	/// Per-UID records of each subnet, indexed by UID; its length is the UIDs in use.
	#[pallet::storage]
	pub type UidSlots<T: Config> = StorageMap<_, Twox64Concat, NetUid, UidSlotsOf<T>, ValueQuery>;

	/// The hotkey holding each UID.
	#[pallet::storage]
	pub type Keys<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, T::AccountId>;

	/// The UID each hotkey holds on each subnet (inverse of [`Keys`]).
	#[pallet::storage]
	pub type Uids<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Blake2_128Concat, T::AccountId, Uid>;

	/// The coldkey owning each hotkey, fixed at the hotkey's first registration. Kept when the
	/// hotkey leaves every subnet, so nobody else can claim a hotkey that others delegate to.
	#[pallet::storage]
	pub type HotkeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Where each neuron serves.
	#[pallet::storage]
	pub type Endpoints<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, Endpoint<BlockNumberFor<T>>>;

	/// Dissolved subnets whose per-UID entries (`Keys`, `Uids`, `Endpoints`) `on_idle` is still
	/// removing, a bounded batch per block: a 4096-UID subnet has too many to remove in the
	/// dissolving extrinsic. Netuids are never reused, so the leftovers cannot be mistaken for
	/// a live subnet's.
	#[pallet::storage]
	pub type DissolvedSubnets<T> = StorageMap<_, Twox64Concat, NetUid, ()>;

	/// Whether endpoints may use private, loopback and link-local addresses (development
	/// chains); set in genesis.
	#[pallet::storage]
	pub type AllowPrivateEndpoints<T> = StorageValue<_, bool, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Value of [`AllowPrivateEndpoints`].
		pub allow_private_endpoints: bool,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			AllowPrivateEndpoints::<T>::put(self.allow_private_endpoints);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A subnet was registered and `locked` was held from its owner.
		SubnetRegistered { netuid: NetUid, owner: T::AccountId, locked: BalanceOf<T> },
		/// A subnet was dissolved and `released` was returned to its owner.
		SubnetDissolved { netuid: NetUid, owner: T::AccountId, released: BalanceOf<T> },
		/// A subnet's hyperparameters were replaced.
		HyperparametersSet { netuid: NetUid, params: HyperparamsOf<T> },
		/// A subnet's task was set.
		SubnetTaskSet { netuid: NetUid, task: SubnetTask },
		/// `hotkey` of `coldkey` got `uid` on `netuid`, burning `burned`.
		NeuronRegistered {
			netuid: NetUid,
			uid: Uid,
			hotkey: T::AccountId,
			coldkey: T::AccountId,
			burned: BalanceOf<T>,
		},
		/// `hotkey` lost `uid` on `netuid` to a new registration.
		NeuronReplaced { netuid: NetUid, uid: Uid, hotkey: T::AccountId },
		/// `hotkey` was deregistered from `uid` on `netuid`, which is now vacant.
		NeuronDeregistered { netuid: NetUid, uid: Uid, hotkey: T::AccountId },
		/// The neuron at `uid` published its endpoint.
		EndpointServed { netuid: NetUid, uid: Uid, ip: IpAddress, port: u16, protocol: Protocol },
		/// The coldkey of the neuron at `uid` declared its role.
		NeuronRoleSet { netuid: NetUid, uid: Uid, hotkey: T::AccountId, role: NeuronRole },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `MaxSubnets` subnets exist already.
		TooManySubnets,
		/// Every netuid has been assigned once; netuids are never reused.
		NetUidsExhausted,
		/// The current lock cost is above the caller's `max_lock_cost`.
		LockCostAboveLimit,
		/// The caller cannot pay (free balance too low for the lock or the burn).
		InsufficientBalance,
		/// No subnet with this netuid is registered.
		SubnetNotFound,
		/// The subnet has unsettled requests (their reviews need its validators).
		SubnetHasOpenRequests,
		/// The subnet's owner cannot deregister a validator while the subnet has unsettled
		/// requests (their reviews need its validators); the validator's own coldkey can.
		ValidatorNeededForReviews,
		/// Only the subnet's owner (or root) may do this.
		NotSubnetOwner,
		/// Zero tempo, interval or target, `max_uids`/`max_validators` out of range, or
		/// `min_burn > max_burn`.
		InconsistentHyperparameters,
		/// `max_uids` below the UIDs the subnet already holds.
		MaxUidsBelowUidsInUse,
		/// A hyperparameter outside the range owners may use.
		HyperparameterOutsideOwnerLimits,
		/// The owner changed hyperparameters less than `HyperparamsRateLimit` blocks ago.
		HyperparametersRateLimited,
		/// The hotkey already holds a UID on this subnet.
		HotkeyAlreadyRegistered,
		/// The hotkey belongs to another coldkey.
		NotHotkeyOwner,
		/// The registration burn is above the caller's `max_burn`.
		BurnAboveLimit,
		/// The subnet is full and every neuron in it is immune.
		SubnetFullOfImmuneNeurons,
		/// The hotkey holds no UID on this subnet.
		HotkeyNotRegistered,
		/// No neuron holds this UID.
		UidNotFound,
		/// Only the subnet owner, the neuron's coldkey or root may deregister it.
		NotAllowedToDeregister,
		/// Port 0, or an unspecified, broadcast or multicast address.
		EndpointUnreachable,
		/// A private, loopback or link-local address on a chain that does not allow them.
		EndpointNotPublic,
		/// The neuron updated its endpoint less than `serving_rate_limit` blocks ago.
		ServingRateLimited,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxUidsLimit::get() <= u32::from(u16::MAX), "UIDs are u16");
			let (max_uids_limit, max_validators_limit) =
				(Pallet::<T>::max_uids_limit(), Pallet::<T>::max_validators_limit());
			let defaults = T::DefaultHyperparams::get();
			assert!(
				hyperparams::check_consistent(&defaults, max_uids_limit, max_validators_limit, 0)
					.is_ok(),
				"DefaultHyperparams must be consistent"
			);
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
		/// Register a new subnet owned by the caller.
		///
		/// Origin: signed. Holds [`Pallet::current_lock_cost`] from the caller, which must not
		/// exceed `max_lock_cost` (protection against the price moving before inclusion).
		///
		/// Errors: [`Error::TooManySubnets`], [`Error::NetUidsExhausted`],
		/// [`Error::LockCostAboveLimit`], [`Error::InsufficientBalance`].
		/// Event: [`Event::SubnetRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_subnet())]
		pub fn register_subnet(
			origin: OriginFor<T>,
			max_lock_cost: BalanceOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_subnet(owner, max_lock_cost)
		}

		/// Dissolve a subnet: removes its record, parameters, task, burn state and UID slots at
		/// once, releases its lock to the owner, and queues its per-UID entries (hotkey maps,
		/// endpoints) for removal by `on_idle` in bounded batches.
		///
		/// Refused while any request of the subnet is unsettled (`Config::Work`): its reviews
		/// need the subnet's validators, so dissolving cannot cut them short. To close a busy
		/// subnet, its owner first points its task at a model nobody registered (new requests
		/// are then refused), waits for the open ones to settle, then dissolves it.
		///
		/// Origin: the subnet's owner (signed) or root.
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`],
		/// [`Error::SubnetHasOpenRequests`]. Event: [`Event::SubnetDissolved`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::dissolve_subnet()
			.saturating_add(T::DbWeight::get().reads(1)))]
		pub fn dissolve_subnet(origin: OriginFor<T>, netuid: NetUid) -> DispatchResult {
			let caller = ensure_signed_or_root(origin)?;
			Self::do_dissolve_subnet(caller, netuid)
		}

		/// Replace a subnet's hyperparameters.
		///
		/// Origin: the owner (within `OwnerLimits`, once per `HyperparamsRateLimit` blocks) or
		/// root (any consistent values, no rate limit).
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`],
		/// [`Error::InconsistentHyperparameters`], [`Error::MaxUidsBelowUidsInUse`],
		/// [`Error::HyperparameterOutsideOwnerLimits`], [`Error::HyperparametersRateLimited`].
		/// Event: [`Event::HyperparametersSet`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_hyperparameters())]
		pub fn set_hyperparameters(
			origin: OriginFor<T>,
			netuid: NetUid,
			params: HyperparamsOf<T>,
		) -> DispatchResult {
			let caller = ensure_signed_or_root(origin)?;
			Self::do_set_hyperparameters(caller, netuid, params)
		}

		/// Set a subnet's task (kind and model id).
		///
		/// Origin: the owner or root.
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`].
		/// Event: [`Event::SubnetTaskSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_subnet_task())]
		pub fn set_subnet_task(
			origin: OriginFor<T>,
			netuid: NetUid,
			task: SubnetTask,
		) -> DispatchResult {
			let caller = ensure_signed_or_root(origin)?;
			Self::do_set_subnet_task(caller, netuid, task)
		}

		/// Register `hotkey` on `netuid`, burning the subnet's registration burn from the
		/// caller. On a full subnet the new neuron takes the UID of the non-immune neuron with
		/// the lowest pruning score (ties: oldest registration, then lowest UID). Charged for a
		/// full subnet, refunded to the UIDs actually in use.
		///
		/// Origin: signed by the coldkey that owns `hotkey` (or will, on its first
		/// registration).
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::HotkeyAlreadyRegistered`],
		/// [`Error::NotHotkeyOwner`], [`Error::BurnAboveLimit`],
		/// [`Error::SubnetFullOfImmuneNeurons`], [`Error::InsufficientBalance`].
		/// Events: [`Event::NeuronReplaced`] (when one is), [`Event::NeuronRegistered`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::register_neuron(T::MaxUidsLimit::get())
			.saturating_add(T::NeuronLifecycle::removal_overhead()))]
		pub fn register_neuron(
			origin: OriginFor<T>,
			netuid: NetUid,
			hotkey: T::AccountId,
			max_burn: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let coldkey = ensure_signed(origin)?;
			Self::do_register_neuron(coldkey, netuid, hotkey, max_burn)
		}

		/// Publish the caller's endpoint on `netuid`.
		///
		/// Origin: signed by a hotkey registered on `netuid`.
		///
		/// Errors: [`Error::HotkeyNotRegistered`], [`Error::EndpointUnreachable`],
		/// [`Error::EndpointNotPublic`], [`Error::ServingRateLimited`].
		/// Event: [`Event::EndpointServed`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::serve_endpoint())]
		pub fn serve_endpoint(
			origin: OriginFor<T>,
			netuid: NetUid,
			ip: IpAddress,
			port: u16,
			protocol: Protocol,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_serve_endpoint(hotkey, netuid, ip, port, protocol)
		}

		/// Free `uid` on `netuid`: its hotkey, endpoint and per-UID records go; the UID is
		/// vacant until the next registration takes it.
		///
		/// Origin: the subnet owner, the coldkey owning the neuron's hotkey, or root. The owner
		/// cannot deregister a validator while the subnet has unsettled requests.
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::UidNotFound`],
		/// [`Error::NotAllowedToDeregister`], [`Error::ValidatorNeededForReviews`].
		/// Event: [`Event::NeuronDeregistered`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::deregister_neuron(T::MaxUidsLimit::get())
			.saturating_add(T::NeuronLifecycle::removal_overhead())
			.saturating_add(T::DbWeight::get().reads(1)))]
		pub fn deregister_neuron(
			origin: OriginFor<T>,
			netuid: NetUid,
			uid: Uid,
		) -> DispatchResultWithPostInfo {
			let caller = ensure_signed_or_root(origin)?;
			Self::do_deregister_neuron(caller, netuid, uid)
		}

		/// Declare what `hotkey` does on `netuid`: mine (the default of a registration) or
		/// validate. Only validators get validator permits (with enough stake) and sit on
		/// review panels; only miners are assigned requests, so stake on a miner never turns it
		/// into a validator. A switch counts at the next epoch for permits, at once for
		/// assignments and panel draws.
		///
		/// Origin: signed by the coldkey that owns `hotkey`.
		///
		/// Errors: [`Error::SubnetNotFound`], [`Error::HotkeyNotRegistered`],
		/// [`Error::NotHotkeyOwner`].
		/// Event: [`Event::NeuronRoleSet`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_neuron_role(T::MaxUidsLimit::get()))]
		pub fn set_neuron_role(
			origin: OriginFor<T>,
			netuid: NetUid,
			hotkey: T::AccountId,
			role: NeuronRole,
		) -> DispatchResultWithPostInfo {
			let coldkey = ensure_signed(origin)?;
			Self::do_set_neuron_role(coldkey, netuid, hotkey, role)
		}
	}
}
