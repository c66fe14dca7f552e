// Joins the validator set the way an operator does with polkadot.js Apps: session keys made in
// the operator's own node (author_rotateKeysWithOwner: the keys, and their signatures over the
// operator's account as proof of ownership), then session.setKeys, validators.bond and
// validators.validate, each signed by the operator's account and checked for its event.
// Usage: node join-validator.mjs <ws url of the operator's node> <operator's secret uri> <bond in INFER>
// Prints "keys <hex>", then "set keys at <ms since epoch> in block <n>" and "validating in block <n>".
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';

const [url, suri, bondText] = process.argv.slice(2);
setTimeout(() => {
  console.error('not a candidate within three minutes');
  process.exit(1);
}, 180_000).unref();

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const operator = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);

// Sends `tx` signed by the operator; resolves with the block number once it is in a block and
// the expected event was emitted, rejects on a dispatch error.
async function send(tx, section, method) {
  const hash = await new Promise((resolve, reject) => {
    tx.signAndSend(operator, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const decoded = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(`${section}.${method} failed: ${decoded ? `${decoded.section}.${decoded.name}` : dispatchError}`));
      } else if (status.isInBlock) {
        const seen = events.some(({ event }) => event.section === section && event.method === method);
        if (seen) resolve(status.asInBlock);
        else reject(new Error(`no ${section}.${method} event`));
      }
    }).catch(reject);
  });
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

const generated = await provider.send('author_rotateKeysWithOwner', [u8aToHex(operator.publicKey)]);
assert.ok(generated.proof, 'the node gave no ownership proof');
console.log(`keys ${generated.keys}`);
const setAt = Date.now();
const keysBlock = await send(api.tx.session.setKeys(generated.keys, generated.proof), 'system', 'ExtrinsicSuccess');
console.log(`set keys at ${setAt} in block ${keysBlock}`);
const unit = 10n ** 12n;
await send(api.tx.validators.bond(BigInt(bondText) * unit), 'validators', 'Bonded');
const validating = await send(api.tx.validators.validate(), 'validators', 'Candidate');
console.log(`validating in block ${validating}`);
await api.disconnect();
process.exit(0);
