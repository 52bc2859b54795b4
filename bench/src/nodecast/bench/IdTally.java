package nodecast.bench;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** The message ids one reader got, counted against those published: each once, in order, is right. */
final class IdTally {
    /** What a reader got of the ids {@code first} to {@code last} published. */
    record Count(long delivered, long lost, long duplicated, long outOfOrder) {
        boolean isRight() {
            return lost == 0 && duplicated == 0 && outOfOrder == 0;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("delivered", delivered);
            json.put("lost", lost);
            json.put("duplicated", duplicated);
            json.put("outOfOrder", outOfOrder);
            return json;
        }
    }

    private final BitSet seen = new BitSet();
    private long delivered;
    private long duplicated;
    private long outOfOrder;
    private long highest = -1;
    private boolean ended;

    synchronized void record(long id) {
        delivered++;
        int index = Math.toIntExact(id);
        if (seen.get(index)) {
            duplicated++;
        } else if (id < highest) {
            outOfOrder++;
        }
        seen.set(index);
        highest = Math.max(highest, id);
        notifyAll();
    }

    /** No more ids will come: whoever waits for one stops. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Waits until id {@code id} or a later one came, the ids ended, or {@code deadline} (System.nanoTime) passed; true if it came. */
    synchronized boolean awaitId(long id, long deadline) throws InterruptedException {
        while (highest < id && !ended && System.nanoTime() < deadline) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        return highest >= id;
    }

    synchronized Count count(long first, long last) {
        long expected = last - first + 1;
        long got = seen.get(Math.toIntExact(first), Math.toIntExact(last) + 1).cardinality();
        return new Count(delivered, expected - got, duplicated, outOfOrder);
    }
}
