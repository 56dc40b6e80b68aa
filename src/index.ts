/**
 * rx-openvpn: run and supervise OpenVPN from Node.js through one RxJS stream of state.
 *
 * The engine (`startTunnel`, `vpnState$`, `createVpnController`) is the usual entry; the
 * management protocol (session, commands, codec) and the profile model are exported for
 * applications that need them directly. Test fakes live in `rx-openvpn/testing`.
 */

// Engine
export { startTunnel, vpnState$, DEFAULT_STOP_DEADLINES, type Tunnel } from './engine/vpn.js';
export {
  createAttachController,
  createVpnController,
  type AttachController,
  type AttachControllerOptions,
  type ControllerOptions,
  type CrashRestartPolicy,
  type VpnController,
} from './engine/controller.js';
export { attachTunnel, attachedVpnState$, type AttachedTunnel } from './engine/attach-tunnel.js';
export {
  ATTACH_RETRY,
  ATTACH_UNREACHABLE_MS,
  checkAttachEndpoint,
  type AttachDeps,
  type AttachOptions,
} from './engine/attach-options.js';
export {
  BYTECOUNT_INTERVAL_S,
  DEFAULT_APP_ID,
  type EngineDeps,
  type EngineOptions,
  type ManagementMode,
  type StopDeadlines,
} from './engine/engine-options.js';
export type { Answer, CredentialField, CredentialsProvider, Prompt } from './engine/credentials.js';
export type {
  ProxyDecision,
  ProxyPolicy,
  ProxyQuery,
  RemoteDecision,
  RemotePolicy,
  RemoteQuery,
} from './engine/connection-policies.js';
export { PROMPT_TIMEOUT_MS } from './engine/prompt-answers.js';
export {
  HOST_STOP_SIGNALS,
  createHostSignalGuard,
  type GuardedTunnel,
  type HostProcess,
  type HostSignalGuard,
} from './engine/host-signals.js';
export type { StopKind } from './engine/tunnel.js';
export type { LogRecord, TrafficSample, TunTrafficSample } from './engine/tunnel-output.js';

// State
export type {
  ConnectStep,
  ConnectedState,
  ConnectingState,
  FailedState,
  IdleState,
  ReconnectingState,
  RemoteEndpoint,
  StartingState,
  StoppedState,
  StoppingState,
  VpnPhase,
  VpnState,
} from './state/vpn-state.js';
export { CONNECT_STEPS, idleState, isTerminal } from './state/vpn-state.js';
export type { VpnFailure } from './state/vpn-failure.js';
export type { ReconnectReason } from './state/reconnect-reason.js';
export type { EngineEvent } from './state/engine-event.js';
export { reduce } from './state/reduce.js';
export { toVpnState$ } from './state/vpn-state-stream.js';
export { addByteCount, emptyTraffic, type Traffic } from './state/traffic.js';

// Core
export { VpnError, isVpnError, type ErrorCode } from './core/errors.js';
export { Secret, isSecret } from './core/secret.js';
export { childLogger, silentLogger, type LogFields, type Logger } from './core/logger.js';

// Profiles and providers
export * from './profile/index.js';

// Management protocol
export * as command from './management/command.js';
export type { Command } from './management/command.js';
export { encodeCommand, type EncodeFailure } from './management/encode.js';
export { createLineDecoder, decodeFrames, type Frame } from './management/framing.js';
export {
  createNotificationAssembler,
  parseNotification,
  type Notification,
} from './management/notification.js';
export type { Reply, ReplyShape } from './management/reply.js';
export {
  attachSession,
  type ManagementSession,
  type SessionEnd,
  type SessionOptions,
} from './management/session.js';
export {
  connectSocket,
  listenManagement,
  type ManagementEndpoint,
  type ManagementSocket,
} from './management/socket.js';
export { connectWithRetry, type RetryPolicy } from './management/connect-with-retry.js';
export * from './management/parsers/index.js';

// Launching
export type { Launcher } from './launcher/launch-command.js';
export { findOpenvpn } from './launcher/find-openvpn.js';
export { discoverInstances, type OpenvpnInstance } from './process/instances.js';
export { createProcessTable } from './process/instances-table.js';
