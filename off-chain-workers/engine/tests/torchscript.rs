//! A TorchScript module made by PyTorch (`scripts/torchscript-fixture.py`) runs through the
//! engine and gives PyTorch's outputs; a damaged module file is refused.

mod common;

use common::fixture;
use inferchain_engine::{DeviceChoice, EngineError, TorchScriptModel};
use inferchain_inference::{OutputSpec, RuntimeProfile, TaskKind};

/// The tiny MLP's output: scores of 3 classes.
const CLASSES: OutputSpec = OutputSpec { kind: TaskKind::Classification, dim: 3 };
use serde_json::Value;
use tch::Tensor;

#[test]
fn tiny_mlp_matches_pytorch() {
	let reference: Value =
		serde_json::from_slice(&std::fs::read(fixture("tiny-mlp.json")).unwrap()).unwrap();
	let rows = |key: &str| -> Vec<f32> {
		reference[key]
			.as_array()
			.unwrap()
			.iter()
			.flat_map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32))
			.collect()
	};
	let model = TorchScriptModel::load(
		&fixture("tiny-mlp.pt"),
		DeviceChoice::Cpu,
		RuntimeProfile::bitwise_cpu(1),
		CLASSES,
	)
	.unwrap();
	let input = Tensor::from_slice(&rows("inputs")).reshape([4, 8]);
	let (shape, logits) = model.forward(&input).unwrap();
	assert_eq!(shape, vec![4, 3]);
	for (ours, theirs) in logits.iter().zip(rows("logits")) {
		assert!((ours - theirs).abs() < 1e-6, "{ours} vs {theirs}");
	}
	// A wrongly shaped input is an error, not a crash.
	assert!(matches!(
		model.forward(&Tensor::zeros([2, 5], tch::kind::FLOAT_CPU)),
		Err(EngineError::Torch(_))
	));
}

#[test]
fn a_damaged_module_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("broken.pt");
	let bytes = std::fs::read(fixture("tiny-mlp.pt")).unwrap();
	std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
	let err =
		TorchScriptModel::load(&path, DeviceChoice::Cpu, RuntimeProfile::bitwise_cpu(1), CLASSES)
			.unwrap_err();
	assert!(matches!(err, EngineError::Weights { .. }), "{err}");
}
