//! The pallets whose benchmarks run through `frame-omni-bencher` or the node's benchmark command.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_validators, Validators]
	[pallet_subnets, Subnets]
	[pallet_stake, Stake]
	[pallet_emission, Emission]
	[pallet_inference, Inference]
);
