//! Inferchain's inference engine on libtorch (`tch`).
//!
//! - [`EmbeddingModel`]: a sentence-embedding model (BERT family, e.g. all-MiniLM-L6-v2) from
//!   `model.safetensors` + `config.json` + `tokenizer.json`, its forward pass written with
//!   libtorch operations ([`bert`]);
//! - [`TorchScriptModel`]: any TorchScript module file;
//! - model ids computed from every byte of the files and the runtime profile, and a refusal to
//!   serve files whose id differs from the chain's ([`EmbeddingModel::ensure_id`]);
//! - CPU and CUDA devices, deterministic mode ([`device`]), dynamic batching ([`Batcher`]);
//! - outputs committed to under the model's comparison rule (`inferchain-inference`).
//!
//! The node never links this crate; only the workers do.

pub mod batcher;
pub mod bert;
pub mod device;
pub mod digest;
pub mod embedder;
pub mod error;
pub mod queue;
pub mod torchscript;

pub use batcher::{BatchOptions, Batcher};
pub use device::DeviceChoice;
pub use embedder::{hex, EmbeddingModel, Embeddings, EngineOptions, ModelFiles};
pub use error::{EngineError, Result};
pub use torchscript::TorchScriptModel;
