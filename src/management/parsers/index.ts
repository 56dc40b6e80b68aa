export {
  FAILURE_TEXT_MAX_CHARS,
  parseFailure,
  type FailureLocation,
  type ParseFailure,
  type ParserName,
} from './parse-failure.js';
export {
  OPENVPN_STATE_NAMES,
  STATE_FIELDS_MAX,
  STATE_FIELDS_MIN,
  parseStateFields,
  parseStateLine,
  type KnownStateEntry,
  type OpenVpnStateName,
  type StateEntry,
  type StateEntryFields,
  type UnknownStateEntry,
} from './state-line.js';
export { parseStateHistory } from './state-history.js';
export { parseStatus } from './status.js';
export type {
  ClientStatus,
  ServerStatus,
  StatusClient,
  StatusOtherRow,
  StatusReport,
  StatusRoute,
} from './status-report.js';
export { parseVersion, type SemVer, type VersionInfo } from './version.js';
export { VERB_MAX, parseHoldQuery, parseMute, parsePid, parseVerb } from './success-values.js';
export { parseLoadStats, type LoadStats } from './load-stats.js';
export {
  parseRemoteEntries,
  parseRemoteEntryCount,
  parseRemoteEntryLine,
  type RemoteEntry,
} from './remote-entries.js';
export { parseLocalTime } from './local-time.js';
