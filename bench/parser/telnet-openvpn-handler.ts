import TelnetVPN from 'telnet-openvpn';
import type { Contender, Feed } from './contender.js';

/**
 * (c) telnet-openvpn 0.1.9. Once connected, telnet-client ("standby" state) re-emits every
 * socket chunk as `data`; TelnetVPN's handler turns it into a string, splits it on LF and
 * classifies each piece with `substr` checks and `split(',')`. Emitting `data` on its
 * `connection` runs exactly that code, without a socket. Constructing TelnetVPN opens nothing.
 */
export const telnetOpenvpnHandler: Contender = {
  label: '(c) telnet-openvpn',
  description: "TelnetVPN's connection 'data' handler (_emitData)",
  create(): Feed {
    const client = new TelnetVPN();
    let data = 0;
    let log = 0;
    let error = 0;
    client.on('data', () => {
      data += 1;
    });
    client.on('log', () => {
      log += 1;
    });
    // It emits ERROR replies as 'error' events, which throw without a listener.
    client.on('error', () => {
      error += 1;
    });
    return {
      push(chunk) {
        client.connection.emit('data', chunk);
      },
      end: () => ({ events: data + log + error, data, log, error }),
    };
  },
};
