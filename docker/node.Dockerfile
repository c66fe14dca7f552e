# inferchain-node, multi-stage: build with the pinned toolchain, run on a slim Debian.
# Build from the repository root:  docker build -f docker/node.Dockerfile -t inferchain-node .
# (Written and reviewed, not run: the development machines have no Docker engine.)

FROM rust:1.95-bookworm AS builder
RUN apt-get update \
	&& apt-get install -y --no-install-recommends protobuf-compiler mold libssl-dev pkg-config \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /inferchain
COPY . .
# rust-toolchain.toml names the Wasm targets and rust-src; rustup installs them on first use.
RUN rustup show active-toolchain \
	&& cargo build --locked --release -p inferchain-node \
	&& cp target/release/inferchain-node /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates libssl3 \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --create-home --uid 1000 --shell /usr/sbin/nologin inferchain \
	&& mkdir -p /data /chain-spec \
	&& chown inferchain:inferchain /data
COPY --from=builder /usr/local/bin/inferchain-node /usr/local/bin/inferchain-node
COPY chain-spec/ /chain-spec/
USER inferchain
# p2p, JSON-RPC (WebSocket + HTTP), Prometheus
EXPOSE 30333 9944 9615
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/inferchain-node"]
CMD ["--dev", "--base-path", "/data", "--rpc-external", "--rpc-cors", "all", "--prometheus-external"]
