//! Benchmarks of the subnets pallet (frame-benchmarking v2), at their worst cases: calls whose
//! cost grows with the UIDs in use are measured up to `MaxUidsLimit`.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::Weight,
	traits::{fungible::Mutate, Get},
};
use frame_system::RawOrigin;
use inferchain_primitives::NeuronLifecycle;
use sp_runtime::traits::{Bounded, Saturating};

/// An account funded well beyond any lock cost or burn.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::MinLockCost::get()
		.saturating_add(T::DefaultHyperparams::get().max_burn)
		.saturating_mul(1_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Registers a subnet owned by `owner` whose `max_uids` is `n`, none of whose neurons is immune,
/// and fills it with `n` neurons (registered at block 0, each with an endpoint) straight into
/// storage. Moves the chain to block 1.
fn full_subnet<T: Config>(owner: &T::AccountId, n: u32) -> Result<NetUid, BenchmarkError> {
	let netuid = NextNetUid::<T>::get();
	Pallet::<T>::register_subnet(
		RawOrigin::Signed(owner.clone()).into(),
		BalanceOf::<T>::max_value(),
	)?;
	let max_uids = u16::try_from(n).map_err(|_| BenchmarkError::Stop("n above u16"))?;
	let mut params = T::DefaultHyperparams::get();
	params.max_uids = max_uids;
	params.max_validators = params.max_validators.clamp(1, max_uids.max(1));
	params.immunity_period = 0;
	params.serving_rate_limit = 0;
	Hyperparams::<T>::insert(netuid, params);
	let neuron_owner: T::AccountId = account("coldkey", 0, 0);
	let mut slots = UidSlotsOf::<T>::default();
	for uid in 0..max_uids {
		let hotkey: T::AccountId = account("hotkey", uid.into(), 0);
		Keys::<T>::insert(netuid, uid, hotkey.clone());
		Uids::<T>::insert(netuid, hotkey.clone(), uid);
		HotkeyOwner::<T>::insert(&hotkey, neuron_owner.clone());
		// Pallets keeping per-UID state (the stake ledger) learn of it as for a registration.
		T::NeuronLifecycle::on_neuron_registered(netuid, uid, &hotkey);
		Endpoints::<T>::insert(
			netuid,
			uid,
			Endpoint {
				ip: IpAddress::V6([0x2a; 16]),
				port: 443,
				protocol: Protocol::Https,
				updated_at: 0u32.into(),
			},
		);
		let slot = UidSlot {
			occupied: true,
			role: Default::default(),
			registered_at: 0u32.into(),
			pruning_score: u64::from(max_uids.saturating_sub(uid)),
			owner_neuron: false,
		};
		slots.try_push(slot).map_err(|_| BenchmarkError::Stop("n above MaxUidsLimit"))?;
	}
	UidSlots::<T>::insert(netuid, slots);
	frame_system::Pallet::<T>::set_block_number(1u32.into());
	Ok(netuid)
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

	/// Dissolution of a full subnet: constant, since its per-UID entries are queued for
	/// `on_idle`.
	#[benchmark]
	fn dissolve_subnet() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, T::MaxUidsLimit::get())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid);

		assert!(Subnets::<T>::get(netuid).is_none());
		assert!(DissolvedSubnets::<T>::contains_key(netuid));
		Ok(())
	}

	/// `on_idle` removing the per-UID entries of a dissolved subnet of `n` neurons.
	#[benchmark]
	fn clean_dissolved(n: Linear<0, { T::MaxUidsLimit::get() }>) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, n.max(1))?;
		if n == 0 {
			let _ = Keys::<T>::clear_prefix(netuid, u32::MAX, None);
			let _ = Uids::<T>::clear_prefix(netuid, u32::MAX, None);
			let _ = Endpoints::<T>::clear_prefix(netuid, u32::MAX, None);
		}
		Pallet::<T>::dissolve_subnet(RawOrigin::Signed(owner).into(), netuid)?;

		#[block]
		{
			Pallet::<T>::clean_dissolved(Weight::MAX);
		}

		assert!(!DissolvedSubnets::<T>::contains_key(netuid));
		assert_eq!(Keys::<T>::iter_prefix(netuid).count(), 0);
		Ok(())
	}

	/// The owner's change: consistency, owner limits and rate limit all checked.
	#[benchmark]
	fn set_hyperparameters() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, 1)?;
		let params = T::DefaultHyperparams::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid, params.clone());

		assert_eq!(Hyperparams::<T>::get(netuid), Some(params));
		Ok(())
	}

	/// The owner sets the task.
	#[benchmark]
	fn set_subnet_task() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, 1)?;
		let task =
			SubnetTask { kind: TaskKind::Embedding, model_id: sp_core::H256::repeat_byte(1) };

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid, task);

		assert_eq!(Tasks::<T>::get(netuid), Some(task));
		Ok(())
	}

	/// Registration into a full subnet of `n` neurons: the scan for the weakest neuron and its
	/// replacement (hotkey maps and endpoint cleared).
	#[benchmark]
	fn register_neuron(n: Linear<1, { T::MaxUidsLimit::get() }>) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, n)?;
		let coldkey = funded::<T>("newcomer", 0);
		let hotkey: T::AccountId = account("new-hotkey", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey), netuid, hotkey.clone(), BalanceOf::<T>::max_value());

		assert!(Uids::<T>::contains_key(netuid, &hotkey));
		Ok(())
	}

	/// A neuron replaces its endpoint.
	#[benchmark]
	fn serve_endpoint() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, 1)?;
		AllowPrivateEndpoints::<T>::put(false);
		let hotkey: T::AccountId = account("hotkey", 0, 0);
		let ip = IpAddress::V6([0x2a, 0, 0x14, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

		#[extrinsic_call]
		_(RawOrigin::Signed(hotkey), netuid, ip, 8443, Protocol::Grpc);

		assert_eq!(Endpoints::<T>::get(netuid, 0).map(|e| e.port), Some(8443));
		Ok(())
	}

	/// The owner deregisters a neuron of a subnet holding `n`.
	#[benchmark]
	fn deregister_neuron(n: Linear<1, { T::MaxUidsLimit::get() }>) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, n)?;
		let uid = u16::try_from(n.saturating_sub(1)).map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid, uid);

		assert!(!Keys::<T>::contains_key(netuid, uid));
		Ok(())
	}

	/// A neuron's coldkey declares it a validator on a subnet holding `n`.
	#[benchmark]
	fn set_neuron_role(n: Linear<1, { T::MaxUidsLimit::get() }>) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let netuid = full_subnet::<T>(&owner, n)?;
		let uid = u16::try_from(n.saturating_sub(1)).map_err(|_| BenchmarkError::Weightless)?;
		let hotkey = Keys::<T>::get(netuid, uid).ok_or(BenchmarkError::Weightless)?;
		let coldkey: T::AccountId = account("coldkey", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey), netuid, hotkey, NeuronRole::Validator);

		let slots = UidSlots::<T>::get(netuid);
		assert_eq!(slots.get(usize::from(uid)).map(|slot| slot.role), Some(NeuronRole::Validator));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
