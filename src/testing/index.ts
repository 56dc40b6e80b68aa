/**
 * The `rx-openvpn/testing` entry point: fakes for testing code built on rx-openvpn without
 * running openvpn.
 */
export {
  OPENVPN_BANNER,
  commandWords,
  createFakeManagementPeer,
  type FakeAnswer,
  type FakeManagementPeer,
  type FakePeerScript,
  type TranscriptEntry,
} from './fake-management-peer.js';
