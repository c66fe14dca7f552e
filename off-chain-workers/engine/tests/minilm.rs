//! all-MiniLM-L6-v2 through the engine: agreement with PyTorch's sentence-transformers,
//! determinism, model ids and refusals.

mod common;

use common::{copy_of_model, fixture, load, model_dir, tolerant};
use inferchain_engine::{EmbeddingModel, EngineError, EngineOptions, ModelFiles};
use inferchain_inference::{outputs_agree, RuntimeProfile};
use serde_json::Value;

fn cosine(a: &[f32], b: &[f32]) -> f64 {
	let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
	let norm = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
	dot / (norm(a) * norm(b))
}

#[test]
fn embeddings_match_pytorch_sentence_transformers() {
	let reference: Value =
		serde_json::from_slice(&std::fs::read(fixture("minilm-torch-reference.json")).unwrap())
			.unwrap();
	let cases = reference["cases"].as_array().unwrap();
	let texts: Vec<String> =
		cases.iter().map(|c| c["text"].as_str().unwrap().to_string()).collect();
	let model = load(EngineOptions::cpu(tolerant()));

	// Same tokens as the Python tokenizer.
	let tokens = model.tokenize(&texts).unwrap();
	for (case, ours) in cases.iter().zip(&tokens) {
		let theirs: Vec<i64> =
			case["input_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
		assert_eq!(ours, &theirs, "tokens of {:?}", case["text"]);
	}

	// Batched (padded) and one by one, every vector within cosine 0.9999 of PyTorch's.
	let batched = model.embed(&texts).unwrap();
	assert_eq!((batched.rows, batched.dim), (texts.len(), 384));
	let (mut worst_cos, mut worst_err) = (1f64, 0f32);
	for (i, case) in cases.iter().enumerate() {
		let theirs: Vec<f32> = case["embedding"]
			.as_array()
			.unwrap()
			.iter()
			.map(|v| v.as_f64().unwrap() as f32)
			.collect();
		let alone = model.embed(&texts[i..=i]).unwrap();
		for ours in [batched.row(i).unwrap(), alone.row(0).unwrap()] {
			let cos = cosine(ours, &theirs);
			let max_err = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
			assert!(cos >= 0.9999, "cosine {cos} for {:?}", case["text"]);
			assert!(max_err < 1e-4, "max abs error {max_err} for {:?}", case["text"]);
			worst_cos = worst_cos.min(cos);
			worst_err = worst_err.max(max_err);
		}
	}
	// Shown with `--nocapture`; the README quotes it.
	println!("vs PyTorch: lowest cosine {worst_cos:.9}, largest abs error {worst_err:e}");
}

#[test]
fn bitwise_mode_repeats_itself_bit_for_bit() {
	let model = load(EngineOptions::cpu(RuntimeProfile::bitwise_cpu(1)));
	let texts = ["verifiable inference", "a second, longer sentence about sampling audits"];
	let first = model.embed(&texts).unwrap();
	let second = model.embed(&texts).unwrap();
	let rule = model.options().profile.rule;
	assert!(outputs_agree(&rule, &first.values, &second.values));
	assert_eq!(first.commitment(&rule), second.commitment(&rule));
	// A perturbed output is caught by the rule and changes the commitment.
	let mut forged = second.clone();
	forged.values[5] += 1e-6;
	assert!(!outputs_agree(&rule, &first.values, &forged.values));
	assert_ne!(first.commitment(&rule), forged.commitment(&rule));
}

#[test]
fn the_model_id_covers_files_and_profile() {
	let tolerant_model = load(EngineOptions::cpu(tolerant()));
	let bitwise_model = load(EngineOptions::cpu(RuntimeProfile::bitwise_cpu(1)));
	assert_ne!(tolerant_model.id(), bitwise_model.id());
	tolerant_model.ensure_id(&tolerant_model.id()).unwrap();
	let err = tolerant_model.ensure_id(&bitwise_model.id()).unwrap_err();
	assert!(matches!(err, EngineError::ModelIdMismatch { .. }), "{err}");

	// One changed byte of the config: another model.
	let dir = copy_of_model();
	let config = dir.path().join("config.json");
	let text = std::fs::read_to_string(&config)
		.unwrap()
		.replace("\"use_cache\": true", "\"use_cache\": false");
	std::fs::write(&config, text).unwrap();
	let changed = EmbeddingModel::load(
		&ModelFiles::in_dir(dir.path()),
		EngineOptions::cpu(tolerant()),
		&mut |_, _, _| {},
	)
	.unwrap();
	assert_ne!(changed.id(), tolerant_model.id());
	assert!(changed.ensure_id(&tolerant_model.id()).is_err());
}

#[test]
fn bad_inputs_are_refused_with_clear_errors() {
	let model = load(EngineOptions { max_inputs: 4, ..EngineOptions::cpu(tolerant()) });
	let none: [&str; 0] = [];
	assert!(matches!(model.embed(&none), Err(EngineError::NoInputs)));
	assert!(matches!(model.embed(&["fine", "  "]), Err(EngineError::EmptyInput { index: 1 })));
	assert!(matches!(
		model.embed(&["a", "b", "c", "d", "e"]),
		Err(EngineError::TooManyInputs { len: 5, max: 4 })
	));
	let long = "word ".repeat(300);
	match model.embed(&["short", long.as_str()]) {
		Err(EngineError::InputTooLong { index: 1, tokens, max: 256 }) => assert_eq!(tokens, 302),
		other => panic!("expected InputTooLong, got {other:?}"),
	}
	// The longest accepted input still runs.
	let edge = "word ".repeat(254);
	assert_eq!(model.embed(&[edge.as_str()]).unwrap().rows, 1);
}

#[test]
fn damaged_model_files_are_refused() {
	let load_dir = |dir: &std::path::Path| {
		EmbeddingModel::load(
			&ModelFiles::in_dir(dir),
			EngineOptions::cpu(tolerant()),
			&mut |_, _, _| {},
		)
	};

	// Truncated weights.
	let dir = copy_of_model();
	let weights = dir.path().join("model.safetensors");
	let bytes = std::fs::read(&weights).unwrap();
	std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Weights { .. })));

	// Garbage weights.
	std::fs::write(&weights, b"not a safetensors file").unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Weights { .. })));

	// A config that disagrees with the tensors' shapes.
	let dir = copy_of_model();
	let config = dir.path().join("config.json");
	let text = std::fs::read_to_string(&config)
		.unwrap()
		.replace("\"intermediate_size\": 1536", "\"intermediate_size\": 1024");
	std::fs::write(&config, text).unwrap();
	match load_dir(dir.path()) {
		Err(EngineError::ShapeMismatch { name, expected, found }) => {
			assert_eq!(name, "encoder.layer.0.intermediate.dense.weight");
			assert_eq!((expected, found), (vec![1024, 384], vec![1536, 384]));
		},
		other => panic!("expected ShapeMismatch, got {:?}", other.err()),
	}

	// More layers than the weights hold.
	let dir = copy_of_model();
	let config = dir.path().join("config.json");
	let text = std::fs::read_to_string(&config)
		.unwrap()
		.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 7");
	std::fs::write(&config, text).unwrap();
	assert!(
		matches!(load_dir(dir.path()), Err(EngineError::MissingTensor(name)) if name.starts_with("encoder.layer.6."))
	);

	// An unsupported activation, and a config that is not JSON.
	let text = std::fs::read_to_string(model_dir().join("config.json"))
		.unwrap()
		.replace("\"gelu\"", "\"relu\"");
	std::fs::write(&config, text).unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Config { .. })));
	std::fs::write(&config, "{").unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Config { .. })));

	// A broken tokenizer, and a missing file.
	let dir = copy_of_model();
	std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Tokenizer { .. })));
	std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
	assert!(matches!(load_dir(dir.path()), Err(EngineError::Io { .. })));
}

#[test]
fn bitwise_profiles_refuse_gpus_and_zero_threads() {
	let files = ModelFiles::in_dir(&model_dir());
	let gpu = EngineOptions {
		device: inferchain_engine::DeviceChoice::Cuda(0),
		..EngineOptions::cpu(RuntimeProfile::bitwise_cpu(1))
	};
	assert!(matches!(
		EmbeddingModel::load(&files, gpu, &mut |_, _, _| {}),
		Err(EngineError::Profile(_))
	));
	let zero = EngineOptions::cpu(RuntimeProfile::bitwise_cpu(0));
	assert!(matches!(
		EmbeddingModel::load(&files, zero, &mut |_, _, _| {}),
		Err(EngineError::Profile(_))
	));
}
