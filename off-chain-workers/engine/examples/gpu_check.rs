//! The text engine's CUDA path against its CPU reference, for `scripts/gpu-check.sh` on a GPU
//! host: SmolLM2-135M-Instruct in `f32` on the CPU and in half precision (`--dtype f16` or
//! `bf16`) on `--device cuda[:N]`; prints, per chat prompt, the largest logit difference and how
//! many greedy tokens agree, the tokens/s of one stream and of 8 streams on the GPU, and how the
//! GPU's generations compare with a recomputation on the GPU (same profile) and on the CPU (the
//! per-chunk proof statistics the text rule judges), to calibrate a half-precision profile.
//! Usage: `gpu_check <gguf> [--device cuda:0] [--dtype f16]`.

use inferchain_engine::{
	ChatMessage, DeviceChoice, GenerationRequest, Lane, TextEngine, TextEngineOptions, TextModel,
	TextOptions,
};
use inferchain_inference::{
	proof::{check_chunk, chunk_offset, decode_chunks, CHUNK_TOKENS},
	Dtype, RuntimeProfile, SamplingParams, TextRule,
};
use std::{path::PathBuf, time::Instant};

const PROMPTS: [&str; 8] = [
	"What is the capital of France?",
	"Explain how a steam engine works, step by step.",
	"Write a Python function that reverses a string.",
	"Write a letter to a friend about your summer holiday.",
	"Explain why the sky is blue to a ten year old.",
	"Describe the life cycle of a butterfly in detail.",
	"Write a short essay about the history of bicycles.",
	"Tell a story about a robot that wants to become a chef.",
];

fn arg(args: &[String], name: &str, default: &str) -> String {
	args.iter()
		.position(|a| a == name)
		.and_then(|i| args.get(i + 1))
		.cloned()
		.unwrap_or_else(|| default.into())
}

fn request(model: &TextModel, prompt: &str, tokens: usize) -> GenerationRequest {
	let prompt = model.chat_prompt(&[ChatMessage::new("user", prompt)]).expect("renders");
	GenerationRequest::new(prompt, SamplingParams::GREEDY, tokens)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let path = PathBuf::from(
		args.get(1).expect("usage: gpu_check <gguf> [--device cuda:0] [--dtype f16]"),
	);
	let device: DeviceChoice = arg(&args, "--device", "cuda").parse().expect("--device");
	let dtype = match arg(&args, "--dtype", "f16").as_str() {
		"f32" => Dtype::F32,
		"bf16" => Dtype::Bf16,
		_ => Dtype::F16,
	};
	let gpu_options = TextOptions {
		device,
		profile: RuntimeProfile::text(dtype, TextRule::CPU_F32),
		..TextOptions::cpu()
	};
	let cpu =
		TextModel::load(&path, TextOptions::cpu(), &mut |_, _, _| {}).expect("CPU model loads");
	let gpu =
		TextModel::load(&path, gpu_options.clone(), &mut |_, _, _| {}).expect("GPU model loads");
	println!("gpu-check: {device} {dtype:?} against CPU f32");
	let hidden = usize::try_from(cpu.llama().config().hidden).unwrap_or(0);
	for prompt in PROMPTS.iter().take(3) {
		let request = request(&cpu, prompt, 32);
		let cpu_logits = cpu.recompute(&request.prompt, &[0]).expect("CPU prefill").logits;
		let gpu_logits = gpu.recompute(&request.prompt, &[0]).expect("GPU prefill").logits;
		let worst =
			cpu_logits.iter().zip(&gpu_logits).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
		let on_cpu = cpu.generate(request.clone()).expect("CPU generates");
		let on_gpu = gpu.generate(request.clone()).expect("GPU generates");
		let same = on_cpu.tokens.iter().zip(&on_gpu.tokens).take_while(|(a, b)| a == b).count();
		println!(
			"  {prompt:?}: logits max abs diff {worst:.4}; greedy tokens identical {same}/{}",
			on_cpu.tokens.len()
		);
		for (checker, name) in [(&gpu, "GPU"), (&cpu, "CPU")] {
			let recomputed = checker.recompute(&request.prompt, &on_gpu.tokens).expect("prefill");
			let chunks =
				decode_chunks(&on_gpu.proof, usize::from(TextRule::CPU_F32.top_k)).expect("proof");
			let stats: Vec<String> = chunks
				.iter()
				.zip(recomputed.states.chunks(CHUNK_TOKENS * hidden))
				.enumerate()
				.filter_map(|(i, (chunk, states))| {
					check_chunk(chunk, states, chunk_offset(&request.binding, i as u32))
				})
				.map(|c| {
					format!(
						"{} mism., mean {:.3}, median {}",
						c.exponent_mismatches, c.mean_mantissa_diff, c.median_mantissa_diff
					)
				})
				.collect();
			println!(
				"    GPU generation checked on the {name}: {stats:?}; verdict {:?}",
				checker.verify(&request, &on_gpu.tokens, &on_gpu.proof)
			);
		}
	}
	drop(gpu);
	let engine = TextEngine::load(
		&path,
		gpu_options,
		TextEngineOptions { max_batch: 8, max_queue: 64 },
		Box::new(|_, _, _| {}),
	)
	.expect("engine loads");
	let single = GenerationRequest {
		prompt: engine
			.frontend()
			.chat_prompt(&[ChatMessage::new("user", PROMPTS[1])])
			.expect("renders"),
		params: SamplingParams::GREEDY,
		max_tokens: 128,
		stop: vec![],
		binding: [0; 32],
	};
	engine
		.generate_all(Lane::Public, GenerationRequest { max_tokens: 8, ..single.clone() })
		.await
		.expect("warm-up");
	let started = Instant::now();
	let generation = engine.generate_all(Lane::Public, single.clone()).await.expect("generates");
	let elapsed = started.elapsed();
	println!(
		"  1 stream: {:.1} tokens/s ({} tokens)",
		generation.tokens.len() as f64 / elapsed.as_secs_f64(),
		generation.tokens.len()
	);
	let checked = Instant::now();
	let verdict =
		engine.verify(Lane::Chain, single, generation.tokens.clone(), generation.proof).await;
	println!(
		"  check: {:.0} ms = {:.3} of the generation ({verdict:?})",
		checked.elapsed().as_secs_f64() * 1000.0,
		checked.elapsed().as_secs_f64() / elapsed.as_secs_f64()
	);
	let started = Instant::now();
	let streams = PROMPTS.iter().map(|p| {
		let request = GenerationRequest {
			prompt: engine.frontend().chat_prompt(&[ChatMessage::new("user", p)]).expect("renders"),
			params: SamplingParams::GREEDY,
			max_tokens: 128,
			stop: vec![],
			binding: [0; 32],
		};
		engine.generate_all(Lane::Public, request)
	});
	let total: usize = futures::future::join_all(streams)
		.await
		.iter()
		.map(|g| g.as_ref().map(|g| g.tokens.len()).unwrap_or(0))
		.sum();
	println!(
		"  8 streams: {:.1} tokens/s aggregate",
		total as f64 / started.elapsed().as_secs_f64()
	);
}
