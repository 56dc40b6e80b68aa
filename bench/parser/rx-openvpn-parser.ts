import type { Contender, Feed } from './contender.js';
import { createLineDecoder, type Frame } from '../../src/management/framing.js';
import {
  createNotificationAssembler,
  type Notification,
} from '../../src/management/notification.js';
import { isNotificationLine } from '../../src/management/reply.js';

/**
 * (b) rx-openvpn, the way the management session consumes its socket: `createLineDecoder`'s `pushTo`
 * frames the chunks, real-time lines go through `createNotificationAssembler` to typed
 * notifications (CLIENT and UPDOWN blocks joined), the rest are reply lines.
 * `inspect` sees every notification; the timed runs leave it out.
 */
export const createRxOpenvpnFeed = (inspect?: (notification: Notification) => void): Feed => {
  const decoder = createLineDecoder();
  const assembler = createNotificationAssembler();
  let notifications = 0;
  let unknown = 0;
  let incomplete = 0;
  let replyLines = 0;
  let otherFrames = 0;
  const take = (notification: Notification): void => {
    notifications += 1;
    if (notification.type === 'unknown') unknown += 1;
    inspect?.(notification);
  };
  const route = (frame: Frame): void => {
    if (frame.kind !== 'line') {
      otherFrames += 1;
    } else if (!isNotificationLine(frame.text)) {
      replyLines += 1;
    } else {
      const notification = assembler.push(frame.text);
      if (notification !== undefined) take(notification);
    }
  };
  return {
    push(chunk) {
      decoder.pushTo(chunk, route);
    },
    end() {
      decoder.endTo(route);
      for (const notification of assembler.flush()) {
        incomplete += 1;
        take(notification);
      }
      return { notifications, unknown, incomplete, replyLines, otherFrames };
    },
  };
};

/** (b) as a contender. */
export const rxOpenvpnParser: Contender = {
  label: '(b) rx-openvpn',
  description: 'createLineDecoder + isNotificationLine + createNotificationAssembler',
  create: () => createRxOpenvpnFeed(),
};
