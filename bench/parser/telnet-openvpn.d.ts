// telnet-openvpn 0.1.9 ships no types; this declares the part the benchmark drives.
declare module 'telnet-openvpn' {
  import { EventEmitter } from 'node:events';

  /** Emits `data` ({ state }, { bytecount }, ...), `log` (string) and `error` (string). */
  export default class TelnetVPN extends EventEmitter {
    /** The telnet-client instance; its `data` event (a socket chunk) feeds the parser. */
    readonly connection: EventEmitter;
  }
}
