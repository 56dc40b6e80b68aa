import type { CollectGarbage } from './measure.js';
import type { Feed } from './contender.js';

/** Heap after full collections: before, during and at the end of a long feed. */
export interface HeapReport {
  readonly chunks: number;
  readonly beforeBytes: number;
  readonly afterBytes: number;
  /** The highest retained heap seen at the checkpoints, the end included. */
  readonly peakRetainedBytes: number;
  readonly counts: Readonly<Record<string, number>>;
}

const retainedHeap = (gc: CollectGarbage): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

/**
 * Feeds every chunk to a feed created after the baseline and reports the retained heap, so the
 * growth is what the feed keeps (plus the lazy chunk source's small state).
 */
export const measureHeap = (
  gc: CollectGarbage,
  createFeed: () => Feed,
  chunks: Iterable<Buffer>,
  checkpointEveryChunks: number,
): HeapReport => {
  const beforeBytes = retainedHeap(gc);
  const feed = createFeed();
  let peakRetainedBytes = beforeBytes;
  let count = 0;
  for (const chunk of chunks) {
    feed.push(chunk);
    count += 1;
    if (count % checkpointEveryChunks === 0) {
      peakRetainedBytes = Math.max(peakRetainedBytes, retainedHeap(gc));
    }
  }
  // Measured before end(), which then uses the feed, so the feed is live while measured.
  const afterBytes = retainedHeap(gc);
  const counts = feed.end();
  return {
    chunks: count,
    beforeBytes,
    afterBytes,
    peakRetainedBytes: Math.max(peakRetainedBytes, afterBytes),
    counts,
  };
};
