//! How values too wide or too raw for JSON numbers travel: balances and seeds as decimal
//! strings (JavaScript numbers stop at 2⁵³), ids and proofs as `0x`-hex.

/// A `u128`/`u64` as a decimal string (`"10000000000"`).
pub mod decimal {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};
	use std::{fmt::Display, str::FromStr};

	/// Writes `value` as a decimal string.
	pub fn serialize<T: Display, S: Serializer>(
		value: &T,
		serializer: S,
	) -> Result<S::Ok, S::Error> {
		serializer.collect_str(value)
	}

	/// Reads a decimal string.
	pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
	where
		T: FromStr,
		T::Err: Display,
		D: Deserializer<'de>,
	{
		let text = String::deserialize(deserializer)?;
		text.parse().map_err(D::Error::custom)
	}
}

/// Bytes as `0x`-hex: `Hex<[u8; 32]>` for ids and commitments, `Hex<Vec<u8>>` for proofs.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Hex<T>(pub T);

impl<T: AsRef<[u8]>> serde::Serialize for Hex<T> {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.serialize_str(&to_hex(self.0.as_ref()))
	}
}

impl<'de, T: TryFrom<Vec<u8>>> serde::Deserialize<'de> for Hex<T> {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		use serde::de::Error;
		let text = String::deserialize(deserializer)?;
		let bytes = from_hex(&text).map_err(D::Error::custom)?;
		let len = bytes.len();
		T::try_from(bytes)
			.map(Hex)
			.map_err(|_| D::Error::custom(format!("{len} bytes do not fit this field")))
	}
}

impl<T: AsRef<[u8]>> std::fmt::Display for Hex<T> {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&to_hex(self.0.as_ref()))
	}
}

impl<T: TryFrom<Vec<u8>>> std::str::FromStr for Hex<T> {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, String> {
		let bytes = from_hex(text).map_err(|error| format!("`{text}`: {error}"))?;
		let len = bytes.len();
		T::try_from(bytes).map(Hex).map_err(|_| format!("`{text}`: {len} bytes do not fit"))
	}
}

/// `bytes` as `0x`-hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// The bytes of `0x`-hex (the prefix is optional).
pub fn from_hex(text: &str) -> Result<Vec<u8>, hex::FromHexError> {
	hex::decode(text.strip_prefix("0x").unwrap_or(text))
}
