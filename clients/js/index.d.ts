import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { DefinitionRpc } from '@polkadot/types/types';

/** The node's typed JSON-RPC methods, for `ApiPromise.create({ rpc })`. */
export declare const rpc: Record<'subnets' | 'inference', Record<string, DefinitionRpc>>;

/** A result and its verification status, as `inference_getResult` answers. */
export interface InferenceResult {
  requestId: number;
  status: 'pending' | 'auditing' | 'challenged' | 'audited' | 'final' | 'rejected' | 'expired';
  miner: string | null;
  output: number[] | null;
  tokens: number[] | null;
  proof: string | null;
  outputCommitment: string | null;
  submittedAt: number | null;
  challengeUntil: number | null;
  auditsPassed: number;
  challengesPassed: number;
}

/** A request as `inference_getRequest` answers: what was asked, the rule its result is
 *  compared by (fixed at submission), the result and where verification stands. */
export interface InferenceRequest {
  id: number;
  requester: string;
  netuid: number;
  modelId: string;
  /** `"bitwise"`, `{ tolerance: { maxAbsErrorE9 } }` or `{ text: {...} }` (TOPLOC thresholds). */
  rule: 'bitwise' | { tolerance: { maxAbsErrorE9: number } } | { text: Record<string, unknown> };
  outputDim: number;
  input: string;
  text: {
    messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
    maxTokens: number;
    temperatureMilli: number;
    topPMilli: number;
    /** Decimal string. */
    seed: string;
    stop: string[];
    /** Decimal string (plancks). */
    outputTokenFee: string;
  } | null;
  /** Decimal string (plancks). */
  fee: string;
  submittedAt: number;
  attempts: number;
  status: 'queued' | 'assigned' | 'answered' | 'underReview' | 'final' | 'rejected' | 'expired';
  assignedMiner: string | null;
  deadline: number | null;
  challengeUntil: number | null;
  auditsPassed: number;
  challengesPassed: number;
  pruneAt: number | null;
  result: InferenceResult | null;
  review: {
    kind: 'audit' | 'challenge' | 'escalation';
    challenger: string | null;
    auditor: string | null;
    panel: { validator: string; weight: string; committed: boolean; agrees: boolean | null }[];
    commitUntil: number;
    revealUntil: number;
  } | null;
}

export interface FollowOptions {
  /** `answered`: as soon as a miner answered; `final` (default): once settled. */
  wait?: 'answered' | 'final';
  timeoutMs?: number;
}

/** The items of a decorated RPC answer that is a JSON list (`getNeurons`, `listModels`). */
export declare function asList(json: { toJSON(): unknown }): any[];

export declare function reached(result: InferenceResult | null, wait: 'answered' | 'final'): boolean;
export declare function follow(api: ApiPromise, id: bigint | number, options?: FollowOptions): Promise<InferenceResult>;
export declare function submitRequest(
  api: ApiPromise,
  signer: Parameters<SubmittableExtrinsic<'promise'>['signAndSend']>[0],
  request: { netuid: number; input: string; maxFee: bigint },
  options?: FollowOptions,
): Promise<{ requestId: bigint; result: InferenceResult }>;
export declare function submitTextRequest(
  api: ApiPromise,
  signer: Parameters<SubmittableExtrinsic<'promise'>['signAndSend']>[0],
  request: {
    netuid: number;
    prompt: { Text: string } | { Chat: { role: 'System' | 'User' | 'Assistant'; content: string }[] };
    text: { maxTokens: number; temperatureMilli?: number; topPMilli?: number; seed?: bigint | null; stop?: string[] };
    maxFee: bigint;
  },
  options?: FollowOptions,
): Promise<{ requestId: bigint; result: InferenceResult }>;
