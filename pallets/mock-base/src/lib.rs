//! The test runtime the pallets' mocks share: accounts, constants, the `pallet_subnets` and
//! `pallet_stake` configurations of a `Test` runtime, and `new_test_ext` with subnets 0 and 1.
//! Each mock declares its own runtime (with `System`, `Balances`, `Subnets` and `Stake`, plus its
//! own pallets), `type Block` and the `frame_system`/`pallet_balances` configurations (their
//! `derive_impl` must be written in the mock itself), then invokes [`subnets_and_stake!`] with
//! what differs.

/// Defines the shared accounts, constants, configurations, the benchmark helper
/// `SubnetsHelper` and `new_test_ext` in the calling module.
///
/// - `neuron_lifecycle`: told of neurons and subnets before `Stake` (`()` or a pallet).
/// - `exposure`: `pallet_stake::Config::Exposure` (`()` or a test double).
/// - `extra_genesis`: a `fn(&mut sp_runtime::Storage)` adding the caller's genesis.
///
/// The caller's crate needs `frame_support`, `frame_system`, `sp_runtime`, `sp_io`,
/// `pallet_balances`, `pallet_subnets` and `pallet_stake` (as that name: the stake pallet's own
/// mock writes `use crate as pallet_stake;`).
#[macro_export]
macro_rules! subnets_and_stake {
	(
		neuron_lifecycle: $lifecycle:ty,
		exposure: $exposure:ty,
		extra_genesis: $extra_genesis:expr $(,)?
	) => {
		/// Account ids in tests are plain numbers.
		pub type AccountId = u64;
		/// Balances in tests are plain numbers.
		pub type Balance = u64;

		/// Subnet owner, and owner of hotkey [`VALIDATOR`].
		pub const ALICE: AccountId = 1;
		/// A delegator.
		pub const BOB: AccountId = 2;
		/// A second delegator.
		pub const CHARLIE: AccountId = 3;
		/// Owner of hotkey [`MINER`].
		pub const DAVE: AccountId = 4;
		/// An account with a little balance.
		pub const POOR: AccountId = 5;
		/// Hotkey owned by ALICE, registered on subnet 0 and 1.
		pub const VALIDATOR: AccountId = 100;
		/// Hotkey owned by DAVE, registered on subnet 0.
		pub const MINER: AccountId = 101;
		/// A hotkey nobody registered.
		pub const STRANGER: AccountId = 102;
		/// Balance of the funded accounts.
		pub const FUNDS: Balance = 1_000_000;
		/// Balance of `POOR`.
		pub const POOR_FUNDS: Balance = 50;
		/// Existential deposit.
		pub const ED: Balance = 1;
		/// Smallest stake.
		pub const MIN_STAKE: Balance = 100;
		/// Unbonding period in blocks.
		pub const UNBONDING: u64 = 10;
		/// Most unbonding chunks per coldkey and hotkey.
		pub const MAX_CHUNKS: u32 = 3;
		/// Blocks between take increases.
		pub const TAKE_RATE_LIMIT: u64 = 5;
		/// Default take.
		pub const DEFAULT_TAKE: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(18);

		/// The subnet hyperparameters of every test subnet (tempo 10, 8 UIDs, 2 validators).
		pub fn hyperparams() -> pallet_subnets::SubnetHyperparams<Balance> {
			pallet_subnets::SubnetHyperparams {
				tempo: 10,
				max_uids: 8,
				max_validators: 2,
				immunity_period: 5,
				activity_cutoff: 100,
				kappa: sp_runtime::Perbill::from_percent(50),
				bonds_moving_average: sp_runtime::Perbill::from_percent(10),
				bonds_mode: pallet_subnets::BondsMode::Absolute,
				min_burn: 1,
				max_burn: 1,
				target_registrations_per_interval: 2,
				adjustment_interval: 10,
				weights_rate_limit: 0,
				commit_reveal: true,
				reveal_period: 2,
				serving_rate_limit: 0,
				weights_version: 0,
			}
		}

		frame_support::parameter_types! {
			pub DefaultHyperparams: pallet_subnets::SubnetHyperparams<Balance> = hyperparams();
			pub Limits: pallet_subnets::hyperparams::OwnerLimits<Balance> =
				pallet_subnets::hyperparams::OwnerLimits { min: hyperparams(), max: hyperparams() };
			pub const StakePalletId: frame_support::PalletId = frame_support::PalletId(*b"inf/stak");
			pub const DefaultTake: sp_runtime::Perbill = DEFAULT_TAKE;
			pub const MaxTake: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(50);
		}

		impl pallet_subnets::Config for Test {
			type Currency = Balances;
			type RuntimeHoldReason = RuntimeHoldReason;
			type MaxSubnets = frame_support::traits::ConstU32<4>;
			type MinLockCost = frame_support::traits::ConstU64<10>;
			type LockReductionInterval = frame_support::traits::ConstU64<10>;
			type MaxUidsLimit = frame_support::traits::ConstU32<8>;
			type MaxValidatorsLimit = frame_support::traits::ConstU32<8>;
			type DefaultHyperparams = DefaultHyperparams;
			type OwnerLimits = Limits;
			type HyperparamsRateLimit = frame_support::traits::ConstU64<0>;
			type NeuronLifecycle = ($lifecycle, Stake);
			type Work = ();
			type WeightInfo = ();
		}

		impl pallet_stake::Config for Test {
			type Currency = Balances;
			type Subnets = Subnets;
			type PalletId = StakePalletId;
			type MinStake = frame_support::traits::ConstU64<MIN_STAKE>;
			type MinValidatorStake = frame_support::traits::ConstU64<1>;
			type UnbondingPeriod = frame_support::traits::ConstU64<UNBONDING>;
			type MaxUnbondingChunks = frame_support::traits::ConstU32<MAX_CHUNKS>;
			type DefaultTake = DefaultTake;
			type MaxTake = MaxTake;
			type TakeIncreaseRateLimit = frame_support::traits::ConstU64<TAKE_RATE_LIMIT>;
			type MaxSubnets = frame_support::traits::ConstU32<4>;
			type Exposure = $exposure;
			type WeightInfo = ();
			#[cfg(feature = "runtime-benchmarks")]
			type BenchmarkHelper = SubnetsHelper;
		}

		/// Registers hotkeys through the real subnets pallet for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		pub struct SubnetsHelper;

		#[cfg(feature = "runtime-benchmarks")]
		impl pallet_stake::BenchmarkHelper<AccountId> for SubnetsHelper {
			fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> pallet_subnets::NetUid {
				use frame_support::traits::fungible::Mutate;
				Balances::set_balance(coldkey, FUNDS);
				let netuid = pallet_subnets::NextNetUid::<Test>::get();
				Subnets::register_subnet(RuntimeOrigin::signed(*coldkey), Balance::MAX).unwrap();
				Subnets::register_neuron(
					RuntimeOrigin::signed(*coldkey),
					netuid,
					*hotkey,
					Balance::MAX,
				)
				.unwrap();
				netuid
			}
		}

		/// Externalities at block 1 with subnets 0 (owned by ALICE; VALIDATOR and MINER registered)
		/// and 1 (owned by ALICE; VALIDATOR registered, a validator by role on both), and the
		/// stake account endowed.
		pub fn new_test_ext() -> sp_io::TestExternalities {
			use sp_runtime::BuildStorage as _;
			let mut storage =
				frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
			pallet_balances::GenesisConfig::<Test> {
				balances: [ALICE, BOB, CHARLIE, DAVE]
					.into_iter()
					.map(|who| (who, FUNDS))
					.chain([(POOR, POOR_FUNDS)])
					.collect(),
				..Default::default()
			}
			.assimilate_storage(&mut storage)
			.unwrap();
			pallet_stake::GenesisConfig::<Test>::default()
				.assimilate_storage(&mut storage)
				.unwrap();
			let extra: fn(&mut sp_runtime::Storage) = $extra_genesis;
			extra(&mut storage);
			let mut ext = sp_io::TestExternalities::new(storage);
			ext.execute_with(|| {
				System::set_block_number(1);
				let netuid = |n| pallet_subnets::NetUid(n);
				for _ in 0..2 {
					Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
				}
				let register = |coldkey, n, hotkey| {
					Subnets::register_neuron(
						RuntimeOrigin::signed(coldkey),
						netuid(n),
						hotkey,
						Balance::MAX,
					)
					.unwrap()
				};
				register(ALICE, 0, VALIDATOR);
				register(DAVE, 0, MINER);
				register(ALICE, 1, VALIDATOR);
				for n in [0, 1] {
					Subnets::set_neuron_role(
						RuntimeOrigin::signed(ALICE),
						netuid(n),
						VALIDATOR,
						pallet_subnets::NeuronRole::Validator,
					)
					.unwrap();
				}
				System::reset_events();
			});
			ext
		}
	};
}
