package nodecast.fanout;

import java.util.List;
import nodecast.log.Message;

/**
 * What one {@link Broadcaster#pull} found: the log the ids belong to, the first id asked for
 * ({@code from}, the start resolved; 0 when the follower's log is gone), the first id the
 * follower gets ({@code first}: past {@code from} when those were trimmed or cleared) and the
 * messages from there, oldest first. No messages: the follower is live from {@code first} on.
 */
public record Catchup(String logId, long from, long first, List<Message> messages) {

    public boolean isLive() {
        return messages.isEmpty();
    }
}
