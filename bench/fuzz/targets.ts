import { encoderTarget } from './encoder-target.js';
import { framingTarget } from './framing-target.js';
import type { FuzzTarget } from './fuzz-target.js';
import { notificationTarget } from './notification-target.js';
import { replyTarget } from './reply-target.js';

/** Every fuzz target, in report order. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  framingTarget,
  notificationTarget,
  replyTarget,
  encoderTarget,
];
