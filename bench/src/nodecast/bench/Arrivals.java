package nodecast.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * When each message reached each viewer of one worker (System.nanoTime), kept as plain long arrays
 * that start small: with 10,000 channels a round is 10,000 messages of a viewer or two each.
 */
final class Arrivals {
    private final Map<ChannelMessage, long[]> timesByMessage = new HashMap<>();
    private final Map<ChannelMessage, Integer> countByMessage = new HashMap<>();

    void record(int channel, long id, long nanoTime) {
        ChannelMessage message = new ChannelMessage(channel, id);
        long[] times = timesByMessage.computeIfAbsent(message, k -> new long[16]);
        int count = countByMessage.getOrDefault(message, 0);
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
            timesByMessage.put(message, times);
        }
        times[count] = nanoTime;
        countByMessage.put(message, count + 1);
    }

    /** One line per message: {@code arrivals <channel> <id> <t1> <t2> ...}. */
    void writeTo(StringBuilder out) {
        for (Map.Entry<ChannelMessage, long[]> entry : timesByMessage.entrySet()) {
            ChannelMessage message = entry.getKey();
            out.append("arrivals ").append(message.channel()).append(' ').append(message.id());
            long[] times = entry.getValue();
            int count = countByMessage.get(message);
            for (int i = 0; i < count; i++) {
                out.append(' ').append(times[i]);
            }
            out.append('\n');
        }
    }

    void clear() {
        timesByMessage.clear();
        countByMessage.clear();
    }
}
