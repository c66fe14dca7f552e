//! The release rule (`releases/README.md`): the latest release under `releases/` is a runtime of
//! the version its folder names, the runtime the node builds has a higher `spec_version` (so
//! that it is always an upgrade of the release: `scripts/cut-release.sh` raises it right after
//! cutting), and every pallet
//! whose storage layout changed since that release raised its storage version (so that it must
//! ship a migration: the upgrade test's try-runtime checks fail on a version left behind).

use std::collections::BTreeMap;

use inferchain_e2e::runtime_blob::{
	current_code, genesis_storage_versions, last_release, metadata, storage_layouts,
	unversioned_changes, version, Layouts,
};

#[test]
fn the_last_release_is_a_runtime_of_its_version_and_the_build_is_newer() -> anyhow::Result<()> {
	let (release, code) = last_release()?;
	let released = version(&code)?;
	assert_eq!(released.spec_name.as_ref(), "inferchain");
	assert_eq!(released.spec_version, release, "releases/v{release} holds another version");
	let current = version(&current_code()?)?;
	assert!(
		current.spec_version > release,
		"the runtime's spec_version {} is not above the last release's {release}: raise it",
		current.spec_version
	);
	Ok(())
}

#[test]
fn every_storage_change_since_the_last_release_raises_the_pallets_storage_version(
) -> anyhow::Result<()> {
	let (release, released_code) = last_release()?;
	let current_code = current_code()?;
	let released = storage_layouts(&metadata(&released_code)?);
	let current = storage_layouts(&metadata(&current_code)?);
	let pallets = released.keys().chain(current.keys()).cloned().collect::<Vec<_>>();
	let released_versions = genesis_storage_versions(&released_code, pallets.clone())?;
	let current_versions = genesis_storage_versions(&current_code, pallets)?;
	let missing =
		unversioned_changes((&released, &released_versions), (&current, &current_versions));
	assert!(
		missing.is_empty(),
		"storage changed since v{release} without a new storage version (and its migration): \
		 {missing:?}"
	);
	// The pallets of this repository declare their versions (and write them at genesis).
	for pallet in ["Subnets", "Stake", "Emission", "Inference"] {
		assert!(current_versions.contains_key(pallet), "{pallet} writes no storage version");
	}
	Ok(())
}

#[test]
fn a_changed_item_needs_a_raised_version_and_new_pallets_do_not() {
	let layouts = |items: &[(&str, &str, &str)]| -> Layouts {
		let mut out = Layouts::new();
		for (pallet, item, shape) in items {
			out.entry(pallet.to_string()).or_default().insert(item.to_string(), shape.to_string());
		}
		out
	};
	let versions = |items: &[(&str, u16)]| -> BTreeMap<String, u16> {
		items.iter().map(|(pallet, version)| (pallet.to_string(), *version)).collect()
	};
	let released =
		layouts(&[("Inference", "Requests", "map u64 -> (u8)"), ("Stake", "Pools", "x")]);
	let changed = layouts(&[
		("Inference", "Requests", "map u64 -> (u8,u32)"),
		("Stake", "Pools", "x"),
		("Fresh", "Item", "y"),
	]);
	let v0 = versions(&[("Inference", 0), ("Stake", 0)]);
	assert_eq!(
		unversioned_changes((&released, &v0), (&changed, &v0)),
		vec![("Inference".to_string(), vec!["Requests".to_string()])]
	);
	let raised = versions(&[("Inference", 1), ("Stake", 0), ("Fresh", 0)]);
	assert!(unversioned_changes((&released, &v0), (&changed, &raised)).is_empty());
	// An item removed or added is a change too.
	let removed = layouts(&[("Inference", "Other", "z"), ("Stake", "Pools", "x")]);
	assert_eq!(
		unversioned_changes((&released, &v0), (&removed, &v0)),
		vec![("Inference".to_string(), vec!["Other".to_string(), "Requests".to_string()])]
	);
	assert!(unversioned_changes((&released, &v0), (&released, &v0)).is_empty());
}
