package nodecast.stream;

import nodecast.http.MessageQuery;

/**
 * Where an EventSource resumes, carried in every SSE {@code id:} field as {@code <log>-<next>}: the
 * log the ids belong to and the id of the next message the client needs (a message with id N
 * carries {@code <log>-(N+1)}, hello the next id it will send). The browser sends the last one
 * back by itself as {@code Last-Event-ID}, so a reconnect says which log and where, even though an
 * EventSource cannot change its URL: an id of another log (a restarted server, a Redis that lost
 * its data) means {@code reset} and the current log from 0. A log id holds dashes (it is a UUID),
 * so the number is what follows the last one.
 */
record EventId(String log, long next) {

    @Override
    public String toString() {
        return log + "-" + next;
    }

    /**
     * {@code text} as a Last-Event-ID: {@code <log>-<next>}, or a message id alone, as servers
     * before this format sent it (the client has that message: it resumes after it, in the log its
     * URL names, if any); throws with a reason fit for a 400.
     */
    static EventId parse(String text, String logOtherwise) {
        int dash = text.lastIndexOf('-');
        try {
            if (dash < 0) {
                return new EventId(logOtherwise, MessageQuery.parseId(text, "Last-Event-ID") + 1);
            }
            if (dash > 0) {
                return new EventId(text.substring(0, dash), MessageQuery.parseId(text.substring(dash + 1), "Last-Event-ID"));
            }
        } catch (IllegalArgumentException e) {
            // said below, whatever was wrong with the number
        }
        throw new IllegalArgumentException("Last-Event-ID must be <log>-<next id>, as this server sends it in id:, or a message id from 0 to "
                + MessageQuery.MAX_ID);
    }
}
