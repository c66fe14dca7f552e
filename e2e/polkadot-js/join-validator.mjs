// Joins the validator set the way an operator does with polkadot.js Apps: session keys made in
// the operator's own node (author_rotateKeysWithOwner: the keys, and their signatures over the
// operator's account as proof of ownership), then session.setKeys, validators.bond and
// validators.validate, each signed by the operator's account and checked for its event.
// Usage: node join-validator.mjs <ws url of the operator's node> <operator's secret uri> <bond in INFER>
// Prints "keys <hex>", then "set keys at <ms since epoch> in block <n>" and "validating in block <n>"
// (finalized blocks).
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';

const [url, suri, bondText] = process.argv.slice(2);
setTimeout(() => {
  console.error('not a candidate within 170 s');
  process.exit(1);
}, 170_000).unref();

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const operator = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);

// Sends `tx` (built again by `build` for each try) signed by the operator; resolves with the
// block number once a finalized block holds it and the expected event was emitted, rejects on a
// dispatch error there. Finalized, not in-block: under BABE a block can be re-orged away, and
// with it the transaction's effects and the nonce it took. A transaction the pool drops after a
// re-org (or finds invalid: its era named a block off the chain that stayed) is signed again,
// as an operator would, with the same nonce, so that at most one of the tries can land.
async function send(build, section, method) {
  const nonce = await api.rpc.system.accountNextIndex(operator.address);
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await new Promise((resolve, reject) => {
      let done = false;
      let unsubscribe = () => {};
      const finish = (settle, value) => {
        if (done) return;
        done = true;
        unsubscribe();
        settle(value);
      };
      build().signAndSend(operator, { nonce }, ({ status, events, dispatchError }) => {
        if (status.isFinalized) {
          if (dispatchError) {
            const decoded = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
            finish(reject, new Error(`${section}.${method} failed: ${decoded ? `${decoded.section}.${decoded.name}` : dispatchError}`));
            return;
          }
          const seen = events.some(({ event }) => event.section === section && event.method === method);
          if (seen) finish(resolve, status.asFinalized);
          else finish(reject, new Error(`no ${section}.${method} event`));
        } else if (status.isDropped || status.isInvalid || status.isUsurped || status.isFinalityTimeout) {
          finish(resolve, null);
        }
      }).then((stop) => { unsubscribe = stop; if (done) stop(); }, (error) => finish(reject, error));
    });
    if (outcome) return (await api.rpc.chain.getHeader(outcome)).number.toNumber();
    assert.ok(attempt < 3, `${section}.${method}: the pool dropped the transaction ${attempt} times`);
    console.log(`${section}.${method}: dropped by the pool; signing again`);
  }
}

const generated = await provider.send('author_rotateKeysWithOwner', [u8aToHex(operator.publicKey)]);
assert.ok(generated.proof, 'the node gave no ownership proof');
console.log(`keys ${generated.keys}`);
const setAt = Date.now();
const keysBlock = await send(() => api.tx.session.setKeys(generated.keys, generated.proof), 'system', 'ExtrinsicSuccess');
console.log(`set keys at ${setAt} in block ${keysBlock}`);
const unit = 10n ** 12n;
await send(() => api.tx.validators.bond(BigInt(bondText) * unit), 'validators', 'Bonded');
const validating = await send(() => api.tx.validators.validate(), 'validators', 'Candidate');
console.log(`validating in block ${validating}`);
await api.disconnect();
process.exit(0);
