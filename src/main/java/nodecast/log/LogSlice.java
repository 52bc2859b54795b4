package nodecast.log;

import java.util.List;

/** What a log holds from some id on, read in one atomic step with the id the next message will get. */
public record LogSlice(String logId, long nextId, List<Message> messages) {
}
