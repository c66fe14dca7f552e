// @inferchain/api: what a dApp needs besides @polkadot/api to use Inferchain.
//
// - `rpc`: the definitions of the node's typed JSON-RPC methods (`subnets_*`, `inference_*`),
//   so `api.rpc.inference.getResult(id)` and friends are decorated. Each answers JSON (the
//   shapes are documented in the repository's README); `.toJSON()` gives the plain object, and
//   a `null` answer (unknown request or subnet) is an empty Json (`.isEmpty`).
//   Create the API with `ApiPromise.create({ provider, rpc })`.
// - `submitRequest`, `submitTextRequest`: sign and send a paid request, then follow it until its
//   result reaches the stage asked for (`answered` or `final`), resolving with the result.
// The package imports nothing at run time: it works with the caller's own @polkadot/api.

const at = { name: 'at', type: 'Hash', isOptional: true };

/** The node's typed JSON-RPC methods, for `ApiPromise.create({ rpc })`. */
export const rpc = {
  subnets: {
    getSubnet: {
      description: 'A subnet: owner, lock, hyperparameters, task, registration burn, neurons, stake',
      params: [{ name: 'netuid', type: 'u16' }, at],
      type: 'Json',
    },
    getNeurons: {
      description: "A subnet's neurons: UID, hotkey, coldkey, stake, permit, endpoint",
      params: [{ name: 'netuid', type: 'u16' }, at],
      type: 'Json',
    },
  },
  inference: {
    getRequest: {
      description: 'A request with its result, status, open review and (text) options; null if unknown',
      params: [{ name: 'id', type: 'u64' }, at],
      type: 'Json',
    },
    getResult: {
      description: "A request's result and verification status (pending, auditing, challenged, audited, final, rejected, expired)",
      params: [{ name: 'id', type: 'u64' }, at],
      type: 'Json',
    },
    listModels: {
      description: 'Every registered model',
      params: [at],
      type: 'Json',
    },
    getMinerStats: {
      description: "A miner's record on a subnet",
      params: [{ name: 'netuid', type: 'u16' }, { name: 'hotkey', type: 'Text' }, at],
      type: 'Json',
    },
    getMarket: {
      description: "A subnet's prices, audit probabilities and text limits; null if no such subnet",
      params: [{ name: 'netuid', type: 'u16' }, at],
      type: 'Json',
    },
  },
};

/**
 * The items of a decorated RPC answer that is a JSON list (`subnets.getNeurons`,
 * `inference.listModels`): polkadot.js's Json codec keeps a list as an object keyed by index.
 */
export function asList(json) {
  const value = json.toJSON();
  if (Array.isArray(value)) return value;
  return Object.keys(value ?? {}).sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
}

/** Result statuses that end a request. */
const SETTLED = new Set(['final', 'rejected', 'expired']);

/** Whether `result` is at (or past) `wait`: `answered` (a miner answered) or `final` (settled). */
export function reached(result, wait) {
  // `null` (unknown) decodes as an empty Json.
  if (result === null || result === undefined || result.status === undefined) return false;
  if (SETTLED.has(result.status)) return true;
  return wait === 'answered' && (result.output != null || result.tokens != null);
}

/**
 * Signs and sends `tx`; resolves with the request id of its `inference.RequestSubmitted` once a
 * finalized block holds it. Not at `inBlock`: BABE can re-org that block away, and the id the
 * request gets on the chain that stays (or even its success) may then differ. Rejects if the
 * dispatch failed in that finalized block, or if the pool drops the transaction.
 */
function submitted(api, signer, tx) {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe = () => {};
    const finish = (settle, value) => {
      if (done) return;
      done = true;
      unsubscribe();
      settle(value);
    };
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isFinalized) {
        if (dispatchError) {
          const error = dispatchError.isModule
            ? api.registry.findMetaError(dispatchError.asModule)
            : { section: '', name: dispatchError.toString() };
          finish(reject, new Error(`${error.section}.${error.name}`));
          return;
        }
        const event = events.find(({ event }) => api.events.inference.RequestSubmitted.is(event));
        if (event) finish(resolve, event.event.data.requestId.toBigInt());
        else finish(reject, new Error('no inference.RequestSubmitted event'));
      } else if (status.isDropped || status.isInvalid || status.isUsurped || status.isFinalityTimeout) {
        finish(reject, new Error(`the transaction was not included: ${status.type}`));
      }
    }).then((stop) => { unsubscribe = stop; if (done) stop(); }, (error) => finish(reject, error));
  });
}

/**
 * Follows request `id` on each new block until its result reaches `wait` (default `final`);
 * resolves with `inference_getResult`'s JSON. Rejects after `timeoutMs`.
 */
export async function follow(api, id, { wait = 'final', timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      done = true;
      unsubscribe();
      reject(new Error(`request ${id} did not reach ${wait} within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = async () => {
      if (done) return;
      const result = (await api.rpc.inference.getResult(id)).toJSON();
      if (!done && reached(result, wait)) {
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(result);
      }
    };
    api.rpc.chain.subscribeNewHeads(() => { check().catch(reject); })
      .then((stop) => { unsubscribe = stop; if (done) stop(); }, reject);
  });
}

/**
 * Pays for an embeddings request (`inference.submitRequest`) on subnet `netuid` and resolves
 * with `{ requestId, result }` once the result reaches `wait`.
 */
export async function submitRequest(api, signer, { netuid, input, maxFee }, options = {}) {
  const requestId = await submitted(api, signer, api.tx.inference.submitRequest(netuid, input, maxFee));
  return { requestId, result: await follow(api, requestId, options) };
}

/**
 * Pays for a text-generation request (`inference.submitTextRequest`): `prompt` is `{ Text: '…' }`
 * or `{ Chat: [{ role: 'User', content: '…' }] }`, `text` the options
 * (`{ maxTokens, temperatureMilli, topPMilli, seed, stop }`). Resolves with `{ requestId, result }`;
 * the result's `tokens` are the generated token ids.
 */
export async function submitTextRequest(api, signer, { netuid, prompt, text, maxFee }, options = {}) {
  const call = api.tx.inference.submitTextRequest(netuid, prompt, {
    maxTokens: text.maxTokens,
    temperatureMilli: text.temperatureMilli ?? 0,
    topPMilli: text.topPMilli ?? 1000,
    seed: text.seed ?? null,
    stop: text.stop ?? [],
  }, maxFee);
  const requestId = await submitted(api, signer, call);
  return { requestId, result: await follow(api, requestId, options) };
}
