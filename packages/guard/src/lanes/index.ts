/**
 * The lane rules: tell a token's lane without verifying it, and say whether an API may go
 * on to check it, with the words every Lanekeeper component uses to refuse it.
 * Pure functions, no I/O.
 * @module
 */
export {
  ACCESS_TOKEN_TYPES,
  BACKCHANNEL_LOGOUT_EVENT,
  DPOP_PROOF_TYPE,
  ID_TOKEN_CLAIMS,
  LOGOUT_TOKEN_TYPE,
  OPAQUE_PREFIXES,
  TOKEN68,
} from './constants.js';
export { classifyToken, isAccessTokenTyp, normalizeTyp } from './classify.js';
export type { TokenClassification, TokenFormat, TokenKind } from './classify.js';
export { laneVerdict, audienceList, audienceMismatchDescription } from './verdict.js';
export type { LaneVerdict, LaneVerdictOptions } from './verdict.js';
export { messages } from './messages.js';
export type { Messages } from './messages.js';
