//! # Inferchain RPC API
//!
//! The one typed face of an Inferchain node's own JSON-RPC methods, shared by the node (which
//! implements the `*Server` traits), the workers and the end-to-end tests (which call the
//! generated `*Client` traits on any jsonrpsee client):
//!
//! - [`SubnetsApi`]: `subnets_getSubnet`, `subnets_getNeurons`;
//! - [`InferenceApi`]: `inference_getRequest`, `inference_getResult`, `inference_listModels`,
//!   `inference_getMinerStats`, `inference_getMarket`.
//!
//! Every method takes an optional block hash `at` (default: the best block). On the wire,
//! accounts are SS58 strings (prefix 42), balances and seeds decimal strings (JavaScript
//! numbers stop at 2⁵³), ids, commitments and proofs `0x`-hex, fractions parts per billion,
//! field names and enum values camelCase. The types here hold them typed: `u128` balances,
//! [`Hex`] bytes, enums for every status.
//!
//! No FRAME: a client needs only this crate, `serde` and `jsonrpsee`.

mod inference;
mod subnets;
pub mod wire;

pub use inferchain_inference::{ChatRole, ComparisonRule, Dtype, TaskKind};
pub use inferchain_primitives::NetUid;
pub use inference::{
	InferenceApiClient, InferenceApiServer, MarketJson, MessageJson, ModelJson, RequestId,
	RequestJson, RequestState, ResultJson, ReviewJson, ReviewStage, SeatJson, StatsJson, TextJson,
	Verification,
};
pub use subnets::{
	BondsModeJson, EndpointJson, HyperparamsJson, NeuronJson, NeuronRole, ProtocolJson, SubnetJson,
	SubnetsApiClient, SubnetsApiServer, TaskJson,
};
pub use wire::Hex;
