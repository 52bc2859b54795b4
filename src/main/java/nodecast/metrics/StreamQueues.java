package nodecast.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the streams' queues hold for their clients: in all now (bytes, frames), and the most one
 * queue has held at once since start, so the bound can be checked from outside. Each queue reports
 * its own changes, from its IO thread; only a frame that waits changes anything, so a client that
 * keeps up costs these counters nothing.
 */
public final class StreamQueues {
    private final LongAdder bytes = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final AtomicLong mostHeldByOne = new AtomicLong();

    /** A queue now holds {@code heldByOne} bytes, after a change of {@code bytesDelta} and {@code framesDelta}. */
    public void changed(long bytesDelta, int framesDelta, long heldByOne) {
        bytes.add(bytesDelta);
        frames.add(framesDelta);
        for (long most = mostHeldByOne.get(); heldByOne > most; most = mostHeldByOne.get()) {
            if (mostHeldByOne.compareAndSet(most, heldByOne)) {
                break;
            }
        }
    }

    long bytes() {
        return bytes.sum();
    }

    long frames() {
        return frames.sum();
    }

    long mostHeldByOne() {
        return mostHeldByOne.get();
    }
}
