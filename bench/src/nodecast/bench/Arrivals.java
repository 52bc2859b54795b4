package nodecast.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** When each message reached each viewer of one worker (System.nanoTime), kept as plain long arrays. */
final class Arrivals {
    private final Map<Long, long[]> timesById = new TreeMap<>();
    private final Map<Long, Integer> countById = new TreeMap<>();

    void record(long id, long nanoTime) {
        long[] times = timesById.computeIfAbsent(id, k -> new long[256]);
        int count = countById.getOrDefault(id, 0);
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
            timesById.put(id, times);
        }
        times[count] = nanoTime;
        countById.put(id, count + 1);
    }

    /** One line per message: {@code arrivals <id> <t1> <t2> ...}. */
    void writeTo(StringBuilder out) {
        for (Map.Entry<Long, long[]> entry : timesById.entrySet()) {
            out.append("arrivals ").append(entry.getKey());
            long[] times = entry.getValue();
            int count = countById.get(entry.getKey());
            for (int i = 0; i < count; i++) {
                out.append(' ').append(times[i]);
            }
            out.append('\n');
        }
    }

    void clear() {
        timesById.clear();
        countById.clear();
    }
}
