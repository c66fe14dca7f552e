//! sr25519 keys from a file (mnemonic or secret URI) or, for dev accounts only, from a `//Name`
//! secret URI on the command line.

use anyhow::{bail, Context};
use std::{path::Path, str::FromStr};
use subxt::utils::AccountId32;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Loads a key: exactly one of `suri` (dev, `//…` only) or `file`.
pub fn load(what: &str, suri: Option<&str>, file: Option<&Path>) -> anyhow::Result<Keypair> {
	let secret = match (suri, file) {
		(Some(suri), None) => {
			if !suri.starts_with("//") {
				bail!("--{what}-suri takes dev accounts only (`//Alice`…); put real keys in --{what}-file");
			}
			suri.to_string()
		},
		(None, Some(path)) => std::fs::read_to_string(path)
			.with_context(|| format!("reading the {what} key file {}", path.display()))?
			.trim()
			.to_string(),
		_ => bail!("give the {what} key: --{what}-file (or --{what}-suri //Name for dev accounts)"),
	};
	let uri = SecretUri::from_str(&secret).map_err(|e| anyhow::anyhow!("{what} key: {e}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow::anyhow!("{what} key: {e}"))
}

/// The SS58 address of a key.
pub fn address(key: &Keypair) -> String {
	AccountId32(key.public_key().0).to_string()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_uris_and_files_load_and_others_are_refused() {
		let alice = load("hotkey", Some("//Alice"), None).unwrap();
		assert_eq!(address(&alice), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert!(load(
			"hotkey",
			Some("bottom drive obey lake curtain smoke basket hold race lonely fit walk"),
			None
		)
		.is_err());
		assert!(load("hotkey", None, None).is_err());

		let dir = std::env::temp_dir().join(format!("inferchain-key-{}", std::process::id()));
		std::fs::write(&dir, "//Alice\n").unwrap();
		let from_file = load("hotkey", None, Some(&dir)).unwrap();
		assert_eq!(from_file.public_key().0, alice.public_key().0);
		std::fs::write(&dir, "not a key phrase at all").unwrap();
		assert!(load("hotkey", None, Some(&dir)).is_err());
		std::fs::remove_file(&dir).unwrap();
	}
}
