package nodecast;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many answers of each status the publishes of a test got, counted as they come, from any thread. */
final class Answers {
    private final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();

    void count(int status) {
        byStatus.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    }

    int of(int status) {
        AtomicInteger count = byStatus.get(status);
        return count == null ? 0 : count.get();
    }

    /** Answers of 200 and 201 together. */
    int acknowledged() {
        return of(200) + of(201);
    }

    @Override
    public String toString() {
        Map<Integer, Integer> sorted = new TreeMap<>();
        byStatus.forEach((status, count) -> sorted.put(status, count.get()));
        return sorted.toString();
    }
}
